#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// What a whole-file read does with a file larger than its limit.
public enum BeyondLimit: Sendable {
    /// Refuse it: `read` fails with EFBIG, before reading when `fstat` already tells.
    case refuse
    /// Keep the first `limit` bytes (a pid file, a lock's holder line: only the first line counts).
    case truncate
}

/// A file read whole: its status when opened (`fstat`) and its bytes; no bytes were read unless it is
/// a regular file.
public struct WholeFile: Sendable {
    public var status: FileStatus
    public var bytes: [UInt8]
}

extension DirectoryHandle {
    /// Reads `name` whole: `openat(O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|O_CLOEXEC)` (never follows a
    /// link, never blocks on a FIFO), `fstat`, then `pread` from `offset` to the end unless it is not a
    /// regular file, `close`. Nil when there is no such name. The one whole-file read of the engine: the
    /// state file, its side file, the journal, pid files and `/proc` files all come through here.
    public func readWholeFile(_ name: String, from offset: Int64 = 0, limit: Int,
                              beyondLimit: BeyondLimit = .refuse) throws(SystemError) -> WholeFile? {
        let fd: FileDescriptor
        do {
            fd = try openFile(name, O_RDONLY)
        } catch where error.errno == .noSuchFileOrDirectory {
            return nil
        }
        defer { try? fd.close(path: child(name)) }
        return try fd.readWhole(from: offset, limit: limit, beyondLimit: beyondLimit, path: child(name))
    }

    /// The same for a path, absolute or relative to the working directory, following links
    /// (`open(O_RDONLY|O_NONBLOCK|O_CLOEXEC)`): the files of `/proc`, whose `fstat` size is 0.
    public static func readWholeFile(path: String, limit: Int, beyondLimit: BeyondLimit = .refuse) throws(SystemError) -> WholeFile {
        let fd = try openReadingFollowing(path: path)
        defer { try? fd.close(path: path) }
        return try fd.readWhole(from: 0, limit: limit, beyondLimit: beyondLimit, path: path)
    }
}

extension DirectoryHandle {
    /// Writes `bytes` as the whole content of the file at `path` (absolute or relative to the working
    /// directory), created with mode 0666 less the umask if missing, as `fopen(path, "w")` would:
    /// `open(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC)`, `write`, `close`. Not durable: for the counters debug
    /// builds report to the test suite; files that must survive a crash use `writeDurably`.
    public static func writeWholeFile(path: String, _ bytes: [UInt8]) throws(SystemError) {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | rotatectl_o_cloexec()
        let fd = FileDescriptor(rawValue: try system_call("open", path) { Glibc.open(path, flags, 0o666) })
        do throws(SystemError) {
            try fd.writeAll(bytes, path: path)
        } catch {
            try? fd.close(path: path)
            throw error
        }
        try fd.close(path: path)
    }
}

extension FileDescriptor {
    /// `fstat`, then, for a regular file, `readToEnd`; a file `fstat` shows to be larger than `limit`
    /// is refused unread.
    public func readWhole(from offset: Int64 = 0, limit: Int, beyondLimit: BeyondLimit = .refuse,
                          path: String) throws(SystemError) -> WholeFile {
        let st = try status(path: path)
        guard st.kind == .regular else { return WholeFile(status: st, bytes: []) }
        if beyondLimit == .refuse && st.size > Int64(limit) {
            throw SystemError("read", path: path, errno: .fileTooLarge)
        }
        let hint = Int(clamping: max(0, st.size - offset))
        return WholeFile(status: st, bytes: try readToEnd(from: offset, limit: limit, sizeHint: hint,
                                                          beyondLimit: beyondLimit, path: path))
    }

    /// `pread` from `offset` until the end of the file, at most `limit` bytes (see `BeyondLimit`). With
    /// the right `sizeHint` a file is read in one `pread` into one array, plus one that finds the end.
    public func readToEnd(from offset: Int64 = 0, limit: Int, sizeHint: Int = 0, beyondLimit: BeyondLimit = .refuse,
                          path: String) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var position = offset
        var want = Swift.min(Swift.max(sizeHint, 4096), limit) &+ 1   // one more: finds the end or the excess
        while true {
            let piece = try read(upTo: want, at: position, path: path)
            if bytes.isEmpty { bytes = piece } else { bytes += piece }
            position += Int64(piece.count)
            if bytes.count > limit {
                guard beyondLimit == .truncate else { throw SystemError("read", path: path, errno: .fileTooLarge) }
                bytes.removeLast(bytes.count - limit)
                return bytes
            }
            if piece.count < want { return bytes }
            want = Swift.min(Swift.max(want, 1 << 16), limit - bytes.count + 1)
        }
    }
}
