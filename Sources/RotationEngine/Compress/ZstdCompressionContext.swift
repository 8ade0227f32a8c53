import CZstd

/// A `ZSTD_CCtx` from `ZSTD_createCCtx` to `ZSTD_freeCCtx` in `deinit`, which also ends its worker
/// threads. Every failed call becomes `CompressError.zstd` with libzstd's message.
final class ZstdCompressionContext {
    private let context: OpaquePointer
    /// The file being compressed, for messages.
    let path: String

    init(path: String) throws(CompressError) {
        guard let context = ZSTD_createCCtx() else {
            throw .zstd(path: path, call: "ZSTD_createCCtx", message: "out of memory")
        }
        self.context = context
        self.path = path
    }

    deinit { ZSTD_freeCCtx(context) }

    /// `ZSTD_CCtx_setParameter`.
    func set(_ parameter: ZSTD_cParameter, _ value: Int32) throws(CompressError) {
        _ = try check(ZSTD_CCtx_setParameter(context, parameter, value), "ZSTD_CCtx_setParameter")
    }

    /// `ZSTD_compressStream2`: what is left to flush (0 once `ZSTD_e_end` has ended the frame).
    func compressStream(_ output: inout ZSTD_outBuffer, _ input: inout ZSTD_inBuffer,
                        _ directive: ZSTD_EndDirective) throws(CompressError) -> Int {
        try check(ZSTD_compressStream2(context, &output, &input, directive), "ZSTD_compressStream2")
    }

    private func check(_ code: Int, _ call: String) throws(CompressError) -> Int {
        if ZSTD_isError(code) != 0 {
            throw .zstd(path: path, call: call, message: String(cString: ZSTD_getErrorName(code)))
        }
        return code
    }
}
