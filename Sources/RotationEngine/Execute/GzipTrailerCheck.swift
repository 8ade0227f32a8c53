#if canImport(Glibc)
import Glibc
#endif
import CZlib
import SystemPackage

/// Whether a gzip file is the compressed form of a plain one: its trailer (CRC-32 and size modulo 2^32,
/// RFC 1952) must match the plain file's. Used before removing a source whose output already exists.
enum GzipTrailerCheck {
    static func matches(_ gzDir: DirectoryHandle, _ gzName: String, source: DirectoryHandle, _ name: String) throws(SystemError) -> Bool {
        let gz = try gzDir.openRegular(gzName, O_RDONLY)
        defer { _ = try? gz.close(path: gzDir.child(gzName)) }
        let gzSize = try gz.status(path: gzDir.child(gzName)).size
        guard gzSize >= 18 else { return false }
        let trailer = try gz.read(upTo: 8, at: gzSize - 8, path: gzDir.child(gzName))
        guard trailer.count == 8 else { return false }
        func le32(_ b: ArraySlice<UInt8>) -> UInt32 {
            b.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        let crcWanted = le32(trailer[0..<4])
        let sizeWanted = le32(trailer[4..<8])
        let src = try source.openRegular(name, O_RDONLY)
        defer { _ = try? src.close(path: source.child(name)) }
        let size = try src.status(path: source.child(name)).size
        guard UInt32(truncatingIfNeeded: size) == sizeWanted else { return false }
        var crc: uLong = 0
        var offset: Int64 = 0
        while true {
            var chunk = try src.read(upTo: 1 << 20, at: offset, path: source.child(name))
            if chunk.isEmpty { break }
            crc = chunk.withUnsafeMutableBufferPointer { p in crc32(crc, p.baseAddress, uInt(p.count)) }
            offset += Int64(chunk.count)
        }
        return UInt32(truncatingIfNeeded: crc) == crcWanted
    }
}
