import CZstd

/// A `ZSTD_DCtx` from `ZSTD_createDCtx` to `ZSTD_freeDCtx` in `deinit`. Data libzstd rejects is
/// `CompressError.corruptZstd`; a context it cannot make is `CompressError.zstd`.
final class ZstdDecompressionContext {
    private let context: OpaquePointer
    /// The file being decompressed, for messages.
    let path: String

    /// `windowLogMax` is the largest window accepted (`ZSTD_d_windowLogMax`).
    init(path: String, windowLogMax: Int32) throws(CompressError) {
        guard let context = ZSTD_createDCtx() else {
            throw .zstd(path: path, call: "ZSTD_createDCtx", message: "out of memory")
        }
        self.context = context
        self.path = path
        let rc = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, windowLogMax)
        if ZSTD_isError(rc) != 0 {
            throw .zstd(path: path, call: "ZSTD_DCtx_setParameter", message: String(cString: ZSTD_getErrorName(rc)))
        }
    }

    deinit { ZSTD_freeDCtx(context) }

    /// `ZSTD_decompressStream`: 0 when a frame has just been completely decoded and flushed.
    func decompressStream(_ output: inout ZSTD_outBuffer, _ input: inout ZSTD_inBuffer) throws(CompressError) -> Int {
        let rc = ZSTD_decompressStream(context, &output, &input)
        if ZSTD_isError(rc) != 0 { throw .corruptZstd(path: path, reason: String(cString: ZSTD_getErrorName(rc))) }
        return rc
    }
}
