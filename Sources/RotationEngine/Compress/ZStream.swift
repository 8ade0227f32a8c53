import CZlib

/// A zlib `z_stream` at a fixed heap address from its `*Init2` to its `*End` in `deinit`, as zlib
/// requires (compress-nio keeps its stream the same way). `DeflateStream` and `InflateStream` say which.
class ZStream {
    let stream: UnsafeMutablePointer<z_stream>
    /// The file being worked on, for messages (a stream reused for many files is told each one).
    var path: String
    private let end: (UnsafeMutablePointer<z_stream>) -> Int32

    /// Starts the stream with `start` (`call` names it in errors; `invalid` explains a refused argument).
    init(path: String, call: String, end: @escaping (UnsafeMutablePointer<z_stream>) -> Int32, invalid: String? = nil,
         start: (UnsafeMutablePointer<z_stream>) -> Int32) throws(CompressError) {
        // Fail before every property is set, so that `deinit` does not run for a stream never initialised.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = start(stream)
        if rc != Z_OK {
            let message = stream.pointee.msg.map { String(cString: $0) }
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .zlib(path: path, call: call, code: rc, message: message ?? invalid)
        }
        self.stream = stream
        self.path = path
        self.end = end
    }

    deinit {
        _ = end(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// The error of a failed zlib call, with zlib's own message when it left one.
    func error(_ call: String, _ code: Int32) -> CompressError {
        .zlib(path: path, call: call, code: code, message: stream.pointee.msg.map { String(cString: $0) })
    }
}
