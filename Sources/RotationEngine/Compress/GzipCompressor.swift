#if canImport(Glibc)
import Glibc
#endif
import CDeflate
import CZlib
import SystemPackage

/// Streaming gzip compression, in the manner of `gzip -N`: one gzip member whose header carries the
/// source's modification time and, only when `storesName` is set, its base name (by default the name
/// is left out, as `gzip < file` does). libdeflate deflates a file that fits in one read whole, and a
/// larger one read by read, each read a piece that `DeflateJoiner` joins to the next; zlib deflates any
/// piece libdeflate could not. A file larger than one block is compressed on `jobs` threads the way
/// pigz does it (see `GzipCompressor+Parallel.swift`). Memory stays bounded by a fixed number of
/// buffers, whatever the file's size.
public struct GzipCompressor: Sendable {
    public var level: Int32
    public var jobs: Int
    public var blockSize: Int
    public var storesName: Bool
    /// Which library deflates (outside tests, always `.libdeflate`).
    var engine: Engine = .libdeflate

    /// `.libdeflate`: libdeflate, and zlib for a piece it could not do. `.zlib`: zlib alone, streaming
    /// (what happens when libdeflate cannot be set up). `.alternating`: the two in turn, piece by piece,
    /// as a zlib fallback in mid-file mixes them.
    enum Engine: Sendable { case libdeflate, zlib, alternating }

    /// Whether piece `index` of a file goes to libdeflate.
    func libdeflateTakes(piece index: Int) -> Bool {
        switch engine {
        case .libdeflate: true
        case .zlib: false
        case .alternating: index % 2 == 0
        }
    }

    /// Bytes of history each parallel block is primed with: deflate's whole window.
    static let dictionarySize = 32 * 1024
    /// Read and write buffer of the single-threaded path.
    static let bufferSize = 256 * 1024

    /// `level` 1…9 (or -1 for zlib's default, which is 6); `jobs` threads per file; `blockSize` of at
    /// least 32 KiB (smaller values are raised to it).
    public init(level: Int32 = 6, jobs: Int = GzipCompressor.processorCount, blockSize: Int = 256 * 1024,
                storesName: Bool = false) {
        self.level = level
        self.jobs = max(1, jobs)
        self.blockSize = max(blockSize, Self.dictionarySize)
        self.storesName = storesName
    }

    /// Online processors (`HostLimits.processorCount`).
    public static var processorCount: Int { HostLimits.processorCount }

    /// The compression level `compressoptions` asks of gzip, or nil when they contain anything else than
    /// `-1`…`-9`, `--fast`, `--best`, `-n`/`--no-name`, `-q`, `-f` (the caller should then run the real
    /// command through `ExternalCompressor`). The last level given wins; none gives 6.
    public static func level(fromOptions options: [String]) -> Int32? {
        var level: Int32 = 6
        for option in options {
            switch option {
            case "--fast": level = 1
            case "--best": level = 9
            case "-n", "--no-name", "-q", "--quiet", "-f", "--force", "": continue
            default:
                guard option.count == 2, option.first == "-", let digit = option.last?.wholeNumberValue, digit >= 1
                else { return nil }
                level = Int32(digit)
            }
        }
        return level
    }

    /// The built-in compressor for `compresscmd`/`compressoptions` when they ask for plain gzip (`gzip`,
    /// `/bin/gzip`, `/usr/bin/gzip`, ...) with options `level(fromOptions:)` understands; nil otherwise,
    /// in which case the caller runs the command with `ExternalCompressor`.
    public static func replacing(command: String, options: [String], jobs: Int = GzipCompressor.processorCount) -> GzipCompressor? {
        guard command.split(separator: "/").last == "gzip", let level = level(fromOptions: options) else { return nil }
        return GzipCompressor(level: level, jobs: jobs)
    }

    /// Compresses `source` (read from offset 0 with `pread` until its end) into `destination` (written at
    /// its current offset). The caller opens, syncs and closes both descriptors. `modificationTime` goes
    /// into the header.
    public func compress(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                         destinationPath: String, modificationTime: Int64) throws(CompressError) -> CompressStats {
        var size: Int64 = 0
        do { size = try source.status(path: sourcePath).size } catch { throw .system(error) }
        return try compress(source: source, sourcePath: sourcePath, size: size, destination: destination,
                            destinationPath: destinationPath, modificationTime: modificationTime, scratch: nil)
    }

    /// The same for a caller that already knows the source's size (from its `fstat`) and compresses many
    /// files on one thread: `scratch` (made by `makeScratch()` on that thread) keeps the deflate stream and
    /// buffers from one file to the next.
    func compress(source: FileDescriptor, sourcePath: String, size: Int64, destination: FileDescriptor,
                  destinationPath: String, modificationTime: Int64, scratch: CompressScratch?) throws(CompressError) -> CompressStats {
        let name = storesName ? sourcePath.split(separator: "/").last.map(String.init) : nil
        let header = GzipHeader(modificationTime: modificationTime, name: name, level: level).encoded()
        if jobs > 1 && size > Int64(blockSize) {
            return try compressParallel(source: source, sourcePath: sourcePath, destination: destination,
                                        destinationPath: destinationPath, header: header)
        }
        let own = scratch == nil ? try makeScratch(path: sourcePath) : nil
        guard let work = scratch ?? own else { throw .system(SystemError("compress", path: sourcePath, errno: .invalidArgument)) }
        return try compressSerial(source: source, sourcePath: sourcePath, destination: destination,
                                  destinationPath: destinationPath, header: header, scratch: work)
    }

    /// A deflate stream at this compressor's level with its read and write buffers, for one thread.
    func makeScratch(path: String) throws(CompressError) -> CompressScratch {
        try CompressScratch(level: level, bufferSize: Self.bufferSize, path: path)
    }

    /// One thread, one gzip member over the whole file: a file that fits in the first read is deflated
    /// whole by libdeflate (`WholeBufferDeflater.member`), a larger one read by read, each read one
    /// joined piece (`WholeBufferDeflater.piece`), or, without libdeflate, streaming through zlib.
    /// Output is gathered into writes of the buffer's size, so a small file costs one `write`; a large
    /// output's writeback is started as it grows (`OutputWriteback`), so that its sync waits for little.
    func compressSerial(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                        destinationPath: String, header: [UInt8], scratch: CompressScratch) throws(CompressError) -> CompressStats {
        let stream = scratch.stream
        let input = scratch.input
        let output = scratch.output

        var bytesIn: Int64 = 0
        var bytesOut: Int64 = 0
        var crc: UInt32 = 0
        var pending = 0
        var writeback = OutputWriteback()
        func write(_ bytes: UnsafeRawBufferPointer) throws(CompressError) {
            do { try destination.writeFully(bytes, path: destinationPath) } catch { throw .system(error) }
            bytesOut += Int64(bytes.count)
            writeback.wrote(bytes.count, to: destination, path: destinationPath)
        }
        func drain() throws(CompressError) {
            if pending > 0 { try write(UnsafeRawBufferPointer(rebasing: output[0..<pending])) }
            pending = 0
        }
        func put(_ bytes: UnsafeRawBufferPointer) throws(CompressError) {
            if pending + bytes.count > output.count { try drain() }
            if bytes.count > output.count { return try write(bytes) }
            UnsafeMutableRawBufferPointer(rebasing: output[pending...]).copyMemory(from: bytes)
            pending += bytes.count
        }
        func put(_ bytes: [UInt8]) throws(CompressError) {
            if pending + bytes.count > output.count { try drain() }
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: output[pending...]).copyMemory(from: $0) }
            pending += bytes.count
        }
        func read() throws(CompressError) -> Int {
            do { return try source.readFully(into: input, at: bytesIn, path: sourcePath) } catch { throw .system(error) }
        }
        var n = try read()
        let deflater = engine == .zlib ? nil : scratch.deflater
        // The whole file in one read: deflated at once, one write.
        if n < input.count, let deflater,
           let length = deflater.member(UnsafeRawBufferPointer(rebasing: input[0..<n]), header: header) {
            try write(UnsafeRawBufferPointer(rebasing: deflater.output[0..<length]))
            return CompressStats(bytesIn: Int64(n), bytesOut: bytesOut)
        }
        // Read by read. With libdeflate each read is a piece deflated whole and joined to the next, and
        // zlib takes any piece libdeflate could not, without history; without libdeflate zlib streams.
        stream.path = sourcePath
        let joiner = deflater == nil ? nil : scratch.joiner
        let inPieces = joiner != nil
        if !inPieces {
            // Reset only when another file used the stream.
            if scratch.used { try stream.restart(dictionary: UnsafeRawBufferPointer(start: nil, count: 0)) }
            scratch.used = true
        }
        try put(header)
        var index = 0
        while true {
            let chunk = UnsafeRawBufferPointer(rebasing: input[0..<n])
            if n > 0 { crc = libdeflate_crc32(crc, chunk.baseAddress, n) }
            bytesIn += Int64(n)
            let last = n < input.count
            if let deflater, let joiner, libdeflateTakes(piece: index),
               let length = deflater.piece(chunk, isLast: last, joiner: joiner) {
                try put(UnsafeRawBufferPointer(rebasing: deflater.output[0..<length]))
            } else {
                if inPieces {
                    try stream.restart(dictionary: UnsafeRawBufferPointer(start: nil, count: 0))
                    scratch.used = true
                }
                let flush = last ? Z_FINISH : inPieces ? Z_SYNC_FLUSH : Z_NO_FLUSH
                try stream.deflate(chunk, flush: flush, buffer: output, pending: &pending, drain: write)
            }
            if last { break }
            n = try read()
            index += 1
        }
        try put(GzipHeader.trailer(crc: crc, size: bytesIn))
        try drain()
        return CompressStats(bytesIn: bytesIn, bytesOut: bytesOut)
    }
}
