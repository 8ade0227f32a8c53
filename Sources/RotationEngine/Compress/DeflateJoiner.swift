import CZlib

/// Turns a complete raw deflate stream into a piece that another can follow, the technique of zlib's
/// `examples/gzjoin.c`: the stream is inflated with `Z_BLOCK` to find where its last block begins and
/// ends, the last-block bit is cleared, and an empty stored block is appended, so the piece ends on a
/// byte boundary exactly as zlib's `Z_SYNC_FLUSH` would have ended it. libdeflate, which compresses
/// about 40% faster than zlib at the same level, only makes complete streams; this joins them.
///
/// The inflate doubles as a check: a piece is made joinable only if zlib decodes it to exactly the
/// expected number of bytes and it ends where the buffer ends. One per thread, kept from piece to piece.
final class DeflateJoiner {
    private let inflater: InflateStream
    /// Where inflate writes what it decodes (only the count matters; zlib keeps its own window).
    private let sink: UnsafeMutableRawBufferPointer

    /// Bytes a piece grows by at most: one byte for the stored block's header bits, then LEN and NLEN.
    static let growth = 5

    init(path: String) throws(CompressError) {
        inflater = try InflateStream(path: path, windowBits: -15)
        sink = .allocate(byteCount: 64 * 1024, alignment: 64)
    }

    deinit { sink.deallocate() }

    /// Makes the stream in `buffer[0..<length]`, which must inflate to `decodedLength` bytes, end in a
    /// non-final, byte-aligned empty stored block: the new length (at most `length + growth`, which
    /// `buffer` must have room for), or nil when the stream is not what it should be (left as it was).
    func makeJoinable(_ buffer: UnsafeMutableRawBufferPointer, length: Int, decodedLength: Int) -> Int? {
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), length > 0,
              length + Self.growth <= buffer.count, inflateReset(inflater.stream) == Z_OK else { return nil }
        let z = inflater.stream
        z.pointee.next_in = base
        z.pointee.avail_in = uInt(length)
        var lastBlockBit = 0       // where the header of the block being decoded began
        var unusedAtEnd: Int? = nil // padding bits after the last block's end-of-block code
        while true {
            z.pointee.next_out = sink.baseAddress?.assumingMemoryBound(to: Bytef.self)
            z.pointee.avail_out = uInt(sink.count)
            let rc = inflate(z, Z_BLOCK)
            if rc == Z_STREAM_END { break }
            guard rc == Z_OK else { return nil }
            // data_type: unused bits of the last byte taken, +64 inside the last block, +128 at a block
            // boundary (after an end-of-block code, before the next header).
            let type = Int(z.pointee.data_type)
            let position = base.distance(to: z.pointee.next_in) * 8 - (type & 7)
            if type & 128 != 0 {
                if type & 64 == 0 { lastBlockBit = position } else { unusedAtEnd = type & 7 }
            }
            if z.pointee.total_out > uLong(decodedLength) { return nil }
        }
        guard let unused = unusedAtEnd, z.pointee.avail_in == 0, z.pointee.total_out == uLong(decodedLength),
              base[lastBlockBit >> 3] & UInt8(1 << (lastBlockBit & 7)) != 0 else { return nil }
        base[lastBlockBit >> 3] &= ~UInt8(1 << (lastBlockBit & 7))
        // The stored block's three header bits (all zero, like the padding) fit in the last byte when
        // at least three bits of it are unused; otherwise they spill into one more zero byte.
        var end = length
        if unused < 3 {
            base[end] = 0
            end += 1
        }
        for byte: UInt8 in [0x00, 0x00, 0xFF, 0xFF] {
            base[end] = byte
            end += 1
        }
        return end
    }
}
