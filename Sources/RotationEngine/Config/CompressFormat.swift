/// The formats `compressformat` names, rotatectl's one-line choice of a compressor: each sets the
/// `compresscmd`, `compressoptions`, `compressext` and `uncompresscmd` that logrotate would need four
/// lines for, and the run then recognises them and compresses in-process.
public enum CompressFormat: String, CaseIterable, Sendable {
    case gzip, zstd

    /// The levels the format takes.
    public var levels: ClosedRange<Int> {
        switch self {
        case .gzip: 1...9
        case .zstd: 1...22
        }
    }

    public var command: String { rawValue }

    public var fileExtension: String {
        switch self {
        case .gzip: ".gz"
        case .zstd: ".zst"
        }
    }

    public var uncompressCommand: String {
        switch self {
        case .gzip: "gunzip"
        case .zstd: "unzstd"
        }
    }

    /// The command's options for `level` (nil: the command's default, gzip's 6 or zstd's 3).
    public func options(level: Int?) -> [String] {
        guard let level else { return [] }
        return self == .zstd && level > 19 ? ["--ultra", "-\(level)"] : ["-\(level)"]
    }
}
