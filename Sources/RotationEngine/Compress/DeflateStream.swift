import CZlib

/// A raw deflate `z_stream` (no zlib or gzip wrapper: the compressor writes the gzip framing itself so
/// that blocks compressed on several threads join into one member).
final class DeflateStream: ZStream {
    /// `deflateInit2(level, Z_DEFLATED, -15, memLevel 8, Z_DEFAULT_STRATEGY)`.
    init(level: Int32, path: String) throws(CompressError) {
        try super.init(path: path, call: "deflateInit2", end: { deflateEnd($0) },
                       invalid: level < -1 || level > 9 ? "invalid level \(level)" : nil) {
            rotatectl_deflateInit2($0, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)
        }
    }

    /// `deflateReset`, then `deflateSetDictionary` with the data that precedes the next block.
    func restart(dictionary: UnsafeRawBufferPointer) throws(CompressError) {
        var rc = deflateReset(stream)
        if rc != Z_OK { throw error("deflateReset", rc) }
        if let base = dictionary.baseAddress, dictionary.count > 0 {
            rc = deflateSetDictionary(stream, base.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count))
            if rc != Z_OK { throw error("deflateSetDictionary", rc) }
        }
    }

    /// Feeds `input` with `flush` and hands each filled part of `output` to `sink`, until zlib has taken
    /// all input and, for Z_SYNC_FLUSH / Z_FINISH, emitted everything.
    func deflate(_ input: UnsafeRawBufferPointer, flush: Int32, output: UnsafeMutableRawBufferPointer,
                 sink: (UnsafeRawBufferPointer) throws(CompressError) -> Void) throws(CompressError) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while true {
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let rc = CZlib.deflate(stream, flush)
            if rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR { throw error("deflate", rc) }
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if stream.pointee.avail_out != 0 {
                return
            }
        }
    }

    /// The same, writing into `buffer` after its first `pending` bytes and handing the whole buffer to
    /// `drain` only when it is full (then `pending` starts again at 0): the output of many calls is
    /// gathered into few writes.
    func deflate(_ input: UnsafeRawBufferPointer, flush: Int32, buffer: UnsafeMutableRawBufferPointer, pending: inout Int,
                 drain: (UnsafeRawBufferPointer) throws(CompressError) -> Void) throws(CompressError) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        while true {
            if pending == buffer.count {
                try drain(UnsafeRawBufferPointer(buffer))
                pending = 0
            }
            stream.pointee.next_out = buffer.baseAddress.map { $0.advanced(by: pending).assumingMemoryBound(to: Bytef.self) }
            stream.pointee.avail_out = uInt(buffer.count - pending)
            let rc = CZlib.deflate(stream, flush)
            if rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR { throw error("deflate", rc) }
            pending = buffer.count - Int(stream.pointee.avail_out)
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if stream.pointee.avail_out != 0 {
                return
            }
        }
    }
}
