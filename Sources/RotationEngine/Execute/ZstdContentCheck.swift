#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Whether a zstd file is the compressed form of a plain one: decompressed (`ZSTD_decompressStream`,
/// every frame's content checksum checked by libzstd), it must be the plain file byte for byte. Used,
/// as `GzipTrailerCheck` is for gzip, before removing a source whose output already exists. Reads both
/// files a buffer at a time and stops at the first difference.
enum ZstdContentCheck {
    static func matches(_ zstDir: DirectoryHandle, _ zstName: String, source: DirectoryHandle, _ name: String) throws(SystemError) -> Bool {
        let zstPath = zstDir.child(zstName)
        let zst = try zstDir.openRegular(zstName, O_RDONLY)
        defer { _ = try? zst.close(path: zstPath) }
        let srcPath = source.child(name)
        let src = try source.openRegular(name, O_RDONLY)
        defer { _ = try? src.close(path: srcPath) }
        let size = try src.status(path: srcPath).size
        var offset: Int64 = 0
        do {
            let read = try ZstdDecompressor().decompress(source: zst, sourcePath: zstPath) { bytes throws(CompressError) in
                guard offset + Int64(bytes.count) <= size else { return false }
                let plain: [UInt8]
                do throws(SystemError) { plain = try src.read(upTo: bytes.count, at: offset, path: srcPath) } catch { throw .system(error) }
                guard plain.elementsEqual(bytes) else { return false }
                offset += Int64(bytes.count)
                return true
            }
            return read != nil && offset == size
        } catch .system(let error) {
            throw error
        } catch {
            return false   // not zstd, or damaged
        }
    }
}
