import CZstd
import SystemPackage

/// Streaming zstd decompression through libzstd (`ZSTD_decompressStream`): every frame of the file, each
/// checked against its content checksum when it has one; skippable frames skipped, as `zstd -d` does.
/// Never the whole file in memory.
public struct ZstdDecompressor: Sendable {
    /// The largest window accepted: `ZSTD_WINDOWLOG_MAX` on 64-bit, so that any `--long=N` output reads
    /// back. Memory is touched only as output is produced.
    public var windowLogMax: Int32 = 31

    public init() {}

    /// Decompresses `source` (from offset 0) into `destination` (at its current offset). `bytesIn` is the
    /// compressed size, `bytesOut` the original one.
    public func decompress(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                           destinationPath: String) throws(CompressError) -> CompressStats {
        var bytesOut: Int64 = 0
        let bytesIn = try decompress(source: source, sourcePath: sourcePath) { bytes throws(CompressError) in
            do throws(SystemError) { try destination.writeFully(bytes, path: destinationPath) } catch { throw .system(error) }
            bytesOut += Int64(bytes.count)
            return true
        }
        return CompressStats(bytesIn: bytesIn ?? 0, bytesOut: bytesOut)
    }

    /// Hands the decompressed bytes of `source`, in order, to `consume`, which returns false to stop
    /// early. Returns the compressed bytes read, or nil when `consume` stopped.
    func decompress(source: FileDescriptor, sourcePath: String,
                    consume: (UnsafeRawBufferPointer) throws(CompressError) -> Bool) throws(CompressError) -> Int64? {
        let context = try ZstdDecompressionContext(path: sourcePath, windowLogMax: windowLogMax)
        let size = 1 << 20
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { input.deallocate(); output.deallocate() }
        var offset: Int64 = 0
        var inFrame = false   // inside a frame not yet ended
        while true {
            let n: Int
            do { n = try source.readFully(into: input, at: offset, path: sourcePath) } catch { throw .system(error) }
            offset += Int64(n)
            if n == 0 && offset == 0 { throw .corruptZstd(path: sourcePath, reason: "empty file") }
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0)
            // Until this read is used up and libzstd holds no more output for a full buffer.
            var full = true
            while inBuffer.pos < inBuffer.size || (full && inFrame) {
                var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                let hint = try context.decompressStream(&outBuffer, &inBuffer)
                inFrame = hint != 0
                full = outBuffer.pos == outBuffer.size
                if outBuffer.pos > 0, try !consume(UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])) {
                    return nil
                }
                if n == 0 && outBuffer.pos == 0 { break }
            }
            if n < size { break }
        }
        if inFrame { throw .corruptZstd(path: sourcePath, reason: "unexpected end of file") }
        return offset
    }
}
