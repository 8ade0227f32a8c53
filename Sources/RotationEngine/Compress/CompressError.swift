/// Why compressing (or decompressing) one file failed. Every case names the path involved.
public enum CompressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading the source or writing the destination failed (ENOSPC, EIO, ...).
    case system(SystemError)
    /// zlib refused: `call` returned `code`, with zlib's own message when it gave one.
    case zlib(path: String, call: String, code: Int32, message: String?)
    /// libzstd refused: `call` failed with libzstd's message (`ZSTD_getErrorName`).
    case zstd(path: String, call: String, message: String)
    /// The data is not valid gzip (decompression only).
    case corrupt(path: String, reason: String)
    /// The data is not valid zstd (decompression only).
    case corruptZstd(path: String, reason: String)
    /// An external `compresscmd` did not succeed; `output` is what it wrote to stderr.
    case command(path: String, argv: [String], result: ChildResult, output: String)

    /// The errno of a system failure, for callers that react to ENOSPC.
    public var systemError: SystemError? {
        if case .system(let e) = self { return e }
        return nil
    }

    public var description: String {
        switch self {
        case .system(let e):
            return e.description
        case .zlib(let path, let call, let code, let message):
            return "\(path): \(call): zlib error \(code)" + (message.map { " (\($0))" } ?? "")
        case .zstd(let path, let call, let message):
            return "\(path): \(call): zstd error (\(message))"
        case .corrupt(let path, let reason):
            return "\(path): not valid gzip data: \(reason)"
        case .corruptZstd(let path, let reason):
            return "\(path): not valid zstd data: \(reason)"
        case .command(let path, let argv, let result, let output):
            let text = output.trimmingTrailingWhitespace()
            return "\(path): \(argv.joined(separator: " ")) \(result)" + (text.isEmpty ? "" : ": \(text)")
        }
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
