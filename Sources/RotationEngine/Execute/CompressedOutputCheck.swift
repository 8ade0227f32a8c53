#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Whether an existing output is the compressed form of its source, by the format its first bytes name:
/// gzip (`GzipTrailerCheck`) or zstd (`ZstdContentCheck`); anything else never is.
enum CompressedOutputCheck {
    static let gzipMagic: [UInt8] = [0x1f, 0x8b]
    /// `ZSTD_MAGICNUMBER`, little-endian.
    static let zstdMagic: [UInt8] = [0x28, 0xb5, 0x2f, 0xfd]

    static func matches(_ dir: DirectoryHandle, _ outName: String, source: DirectoryHandle, _ name: String) throws(SystemError) -> Bool {
        let out = try dir.openRegular(outName, O_RDONLY)
        let head = try out.read(upTo: 4, at: 0, path: dir.child(outName))
        _ = try? out.close(path: dir.child(outName))
        if head.starts(with: gzipMagic) { return try GzipTrailerCheck.matches(dir, outName, source: source, name) }
        if head.starts(with: zstdMagic) { return try ZstdContentCheck.matches(dir, outName, source: source, name) }
        return false
    }
}
