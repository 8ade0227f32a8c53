import CZlib
import SystemPackage

/// Streaming gunzip through zlib's inflate: every member of a (possibly multi-member) gzip file, CRC and
/// length checked by zlib; never the whole file in memory.
public struct GzipDecompressor: Sendable {
    public init() {}

    /// Inflates `source` (from offset 0) into `destination` (at its current offset). `bytesIn` is the
    /// compressed size, `bytesOut` the original one.
    public func decompress(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                           destinationPath: String) throws(CompressError) -> CompressStats {
        let stream = try InflateStream(path: sourcePath)
        let size = 256 * 1024
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { input.deallocate(); output.deallocate() }
        let z = stream.stream
        var offset: Int64 = 0
        var bytesOut: Int64 = 0
        var inMember = false   // inside a member not yet ended
        var sawMember = false
        while true {
            let n: Int
            do { n = try source.readFully(into: input, at: offset, path: sourcePath) } catch { throw .system(error) }
            offset += Int64(n)
            if n == 0 { break }
            z.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
            z.pointee.avail_in = uInt(n)
            while z.pointee.avail_in > 0 {
                if !inMember {
                    if sawMember && z.pointee.next_in.pointee != 0x1f {
                        // Trailing garbage after a complete member: gzip ignores zero padding only.
                        throw .corrupt(path: sourcePath, reason: "trailing garbage after the last member")
                    }
                    inMember = true
                    sawMember = true
                }
                z.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
                z.pointee.avail_out = uInt(size)
                let rc = inflate(z, Z_NO_FLUSH)
                let produced = size - Int(z.pointee.avail_out)
                if produced > 0 {
                    do {
                        try destination.writeFully(UnsafeRawBufferPointer(rebasing: output[0..<produced]), path: destinationPath)
                    } catch {
                        throw .system(error)
                    }
                    bytesOut += Int64(produced)
                }
                switch rc {
                case Z_OK, Z_BUF_ERROR:
                    continue
                case Z_STREAM_END:
                    inMember = false
                    let reset = inflateReset(z)
                    if reset != Z_OK { throw stream.error("inflateReset", reset) }
                case Z_DATA_ERROR:
                    throw .corrupt(path: sourcePath, reason: z.pointee.msg.map { String(cString: $0) } ?? "invalid data")
                default:
                    throw stream.error("inflate", rc)
                }
            }
            if n < size { break }
        }
        if inMember || !sawMember {
            throw .corrupt(path: sourcePath, reason: sawMember ? "unexpected end of file" : "empty file")
        }
        return CompressStats(bytesIn: offset, bytesOut: bytesOut)
    }
}

/// An inflate `z_stream`, for gzip input (windowBits 15 + 16) unless told otherwise (-15: raw deflate).
final class InflateStream: ZStream {
    init(path: String, windowBits: Int32 = 15 + 16) throws(CompressError) {
        try super.init(path: path, call: "inflateInit2", end: { inflateEnd($0) }) { rotatectl_inflateInit2($0, windowBits) }
    }
}
