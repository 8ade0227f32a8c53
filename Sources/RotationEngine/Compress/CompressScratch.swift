/// What one thread needs to compress file after file without allocating: a deflate stream (reset, not
/// re-created, between files) and the read and write buffers of the single-threaded path.
final class CompressScratch {
    let stream: DeflateStream
    let input: UnsafeMutableRawBufferPointer
    let output: UnsafeMutableRawBufferPointer
    /// The stream has compressed a file since it was made and needs `deflateReset` before the next.
    var used = false

    init(level: Int32, bufferSize: Int, path: String) throws(CompressError) {
        stream = try DeflateStream(level: level, path: path)
        input = .allocate(byteCount: bufferSize, alignment: 64)
        output = .allocate(byteCount: bufferSize, alignment: 64)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }
}
