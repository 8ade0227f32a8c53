import CZstd
import SystemPackage

/// Streaming zstd compression through libzstd, writing what `zstd -c < file` writes: one frame, a content
/// checksum unless `--no-check` (the CLI's default `--check`), long-distance matching with `--long`. A file
/// larger than `workerThreshold` is compressed on `workers` of libzstd's own threads (`ZSTD_c_nbWorkers`),
/// a smaller one on the calling thread, so that a batch compresses many files side by side instead. Memory
/// stays bounded by libzstd's window and two buffers, whatever the file's size.
public struct ZstdCompressor: Sendable, Equatable {
    /// libzstd's level: 1…22, or negative for `--fast=N`.
    public var level: Int32
    /// libzstd worker threads for one large file; 1 compresses on the calling thread.
    public var workers: Int
    /// `--long[=N]`: the window's log (10…31) with long-distance matching; nil leaves both off.
    public var longWindowLog: Int32?
    /// A content checksum ends the frame (`--check`, the CLI's default).
    public var checksum: Bool

    /// The `zstd` command's default level.
    public static let defaultLevel: Int32 = 3
    /// The window `--long` without a value asks for (128 MiB).
    public static let defaultLongWindowLog: Int32 = 27
    /// Files larger than this use libzstd's worker threads (a smaller one is a single job of libzstd's).
    static let workerThreshold: Int64 = 4 << 20
    /// Read and write buffer size.
    static let bufferSize = 1 << 20

    public init(level: Int32 = ZstdCompressor.defaultLevel, workers: Int = 1, longWindowLog: Int32? = nil,
                checksum: Bool = true) {
        self.level = level
        self.workers = max(1, workers)
        self.longWindowLog = longWindowLog
        self.checksum = checksum
    }

    /// The same compressor with `workers` threads per large file.
    func with(workers: Int) -> ZstdCompressor {
        var copy = self
        copy.workers = max(1, workers)
        return copy
    }

    /// Compresses `source` (read from offset 0 with `pread` until its end) into `destination` (written at
    /// its current offset). `size` (the source's, from its `fstat`) only chooses whether worker threads are
    /// used; the file is read to its end whatever it is. The caller opens, syncs and closes both descriptors;
    /// the output's writeback is started as it grows (`OutputWriteback`), so that sync waits for little.
    public func compress(source: FileDescriptor, sourcePath: String, size: Int64, destination: FileDescriptor,
                         destinationPath: String) throws(CompressError) -> CompressStats {
        let context = try ZstdCompressionContext(path: sourcePath)
        try context.set(ZSTD_c_compressionLevel, level)
        try context.set(ZSTD_c_checksumFlag, checksum ? 1 : 0)
        if let longWindowLog {
            try context.set(ZSTD_c_enableLongDistanceMatching, 1)
            try context.set(ZSTD_c_windowLog, longWindowLog)
        }
        if workers > 1 && size > Self.workerThreshold {
            // A libzstd built without threads refuses: the file is then compressed on this thread.
            try? context.set(ZSTD_c_nbWorkers, Int32(clamping: workers))
        }
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 64)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 64)
        defer { input.deallocate(); output.deallocate() }

        var bytesIn: Int64 = 0
        var bytesOut: Int64 = 0
        var writeback = OutputWriteback()
        while true {
            let n: Int
            do { n = try source.readFully(into: input, at: bytesIn, path: sourcePath) } catch { throw .system(error) }
            bytesIn += Int64(n)
            let last = n < input.count
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: n, pos: 0)
            while true {
                var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
                let remaining = try context.compressStream(&outBuffer, &inBuffer, last ? ZSTD_e_end : ZSTD_e_continue)
                if outBuffer.pos > 0 {
                    let bytes = UnsafeRawBufferPointer(rebasing: output[0..<outBuffer.pos])
                    do { try destination.writeFully(bytes, path: destinationPath) } catch { throw .system(error) }
                    bytesOut += Int64(outBuffer.pos)
                    writeback.wrote(outBuffer.pos, to: destination, path: destinationPath)
                }
                if last ? remaining == 0 : inBuffer.pos == inBuffer.size { break }
            }
            if last { break }
        }
        return CompressStats(bytesIn: bytesIn, bytesOut: bytesOut)
    }
}
