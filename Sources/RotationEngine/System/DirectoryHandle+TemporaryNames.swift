import SystemPackage

/// The names rotatectl writes a file under before it renames it into place, and their creation.
extension DirectoryHandle {
    /// Temporary name for a file being written in place of `name`: `.rotatectl-tmp.NAME` when that fits in
    /// NAME_MAX (255 bytes), else `.rotatectl-tmp.` + the first 64 bytes of the name (whole characters) +
    /// `.` + the FNV-1a 64 hash of all of it in hex. Deterministic, so recovery finds it by the same call.
    public static func temporaryName(for name: String, prefix: String = ".rotatectl-tmp.") -> String {
        // Counted in the bytes the file system sees (an escaped byte is one, see FileNameEncoding).
        if prefix.utf8.count + FileNameEncoding.encodedCount(name) <= 255 { return prefix + name }
        var kept = ""
        var bytes = 0
        for scalar in name.unicodeScalars {
            let n = FileNameEncoding.encodedCount(String(scalar))
            if bytes + n > 64 { break }
            kept.unicodeScalars.append(scalar)
            bytes += n
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in FileNameEncoding.encode(name) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return prefix + kept + "." + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Creates a temporary file `O_EXCL`; a stale one left by a crash is removed first, but only then
    /// (no failing unlink per file on the common path).
    func createFresh(_ name: String) throws(SystemError) -> FileDescriptor {
        switch Result(catching: { () throws(SystemError) -> FileDescriptor in try createExclusive(name) }) {
        case .success(let fd):
            return fd
        case .failure(let error):
            guard error.errno == .fileExists else { throw error }
            try remove(name)
            return try createExclusive(name)
        }
    }
}
