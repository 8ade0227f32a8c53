/// What one thread needs to compress file after file without allocating: a deflate stream (reset, not
/// re-created, between files), the read and write buffers of the single-threaded path, and the
/// libdeflate deflater with its joiner (made on first use).
final class CompressScratch {
    let stream: DeflateStream
    let input: UnsafeMutableRawBufferPointer
    let output: UnsafeMutableRawBufferPointer
    /// The stream has compressed a file since it was made and needs `deflateReset` before the next.
    var used = false
    private let level: Int32
    /// The whole-buffer deflater for inputs of up to `input.count` bytes, or nil if libdeflate has none.
    lazy var deflater: WholeBufferDeflater? = WholeBufferDeflater(level: level, inputCapacity: input.count)
    /// What makes the deflater's pieces of a larger file joinable, or nil if zlib cannot set one up.
    lazy var joiner: DeflateJoiner? = try? DeflateJoiner(path: "")

    init(level: Int32, bufferSize: Int, path: String) throws(CompressError) {
        stream = try DeflateStream(level: level, path: path)
        input = .allocate(byteCount: bufferSize, alignment: 64)
        output = .allocate(byteCount: bufferSize, alignment: 64)
        self.level = level
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }
}
