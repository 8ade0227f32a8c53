import Foundation
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct GzipCompressorTests {
    static let block = 64 * 1024
    static let dict = 32 * 1024
    static let sizes = [0, 1, dict - 1, dict, dict + 1, block - 1, block, block + 1, block + dict - 1, block + dict,
                        block + dict + 1, 2 * block - 1, 2 * block, 2 * block + 1, 5 * block + 17]

    /// Compresses `data`, checks the result with gzip -t, zcat and our own inflate, returns the .gz bytes.
    @discardableResult
    func roundTrip(_ data: [UInt8], compressor: GzipCompressor, modified: Int64 = 1_600_000_000) throws -> [UInt8] {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let source = dir.child("app.log"), gz = dir.child("app.log.gz")
        try #require(TestFile.write(data, to: source))
        let stats = try CompressTestIO.gzip(source, to: gz, with: compressor, modified: modified)
        let compressed = try #require(TestFile.bytes(gz))
        #expect(stats.bytesIn == Int64(data.count))
        #expect(stats.bytesOut == Int64(compressed.count))
        #expect(CompressedFile.passesGzipTest(gz))
        #expect(same(CompressedFile.decompressed(gz), data))

        let back = dir.child("back")
        let input = try FileDescriptor.open(gz, .readOnly)
        let output = try FileDescriptor.open(back, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        let inflated = try GzipDecompressor().decompress(source: input, sourcePath: gz, destination: output, destinationPath: back)
        try input.close()
        try output.close()
        #expect(inflated.bytesOut == Int64(data.count))
        #expect(same(TestFile.bytes(back), data))
        return compressed
    }

    static func compressor(level: Int32 = 6, jobs: Int, blockSize: Int = 256 * 1024,
                           engine: GzipCompressor.Engine) -> GzipCompressor {
        var compressor = GzipCompressor(level: level, jobs: jobs, blockSize: blockSize)
        compressor.engine = engine
        return compressor
    }

    static let engines: [GzipCompressor.Engine] = [.libdeflate, .zlib, .alternating]

    @Test(arguments: sizes, [1, 2, 3])
    func roundTripAroundBlockBoundaries(size: Int, jobs: Int) throws {
        for engine in Self.engines {
            try roundTrip(CompressFixtures.logLines(size: size, seed: UInt64(size)),
                          compressor: Self.compressor(jobs: jobs, blockSize: Self.block, engine: engine))
        }
    }

    /// One thread reads 256 KiB at a time; each read is one piece of the stream.
    static let read = GzipCompressor.bufferSize
    @Test(arguments: [read - 1, read, read + 1, 2 * read - 1, 2 * read, 2 * read + 1, 3 * read + 17], engines)
    func roundTripAroundReadBoundariesOnOneThread(size: Int, engine: GzipCompressor.Engine) throws {
        try roundTrip(CompressFixtures.logLines(size: size, seed: UInt64(size)), compressor: Self.compressor(jobs: 1, engine: engine))
    }

    @Test(arguments: [1, 2])
    func libdeflateDeflatesLargeFilesAndZlibTakesWhatItCannot(jobs: Int) throws {
        // Bytes that differ show which library did each piece: libdeflate's are smaller than zlib's,
        // and a stream mixing the two lies between.
        let data = CompressFixtures.logLines(size: 1_500_000, seed: 11)
        let sizes = try Self.engines.map { engine in
            try roundTrip(data, compressor: Self.compressor(jobs: jobs, blockSize: 128 * 1024, engine: engine)).count
        }
        let (libdeflate, zlib, mixed) = (sizes[0], sizes[1], sizes[2])
        #expect(libdeflate < zlib)
        #expect(libdeflate < mixed && mixed < zlib)
    }

    @Test(arguments: [32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 64 * 1024 + 1, 96 * 1024])
    func smallestBlocksUseTheWholePreviousBlockAsDictionary(size: Int) throws {
        // blockSize 32 KiB: every dictionary is exactly the previous block.
        try roundTrip(CompressFixtures.logLines(size: size), compressor: GzipCompressor(jobs: 2, blockSize: 1))
    }

    @Test(arguments: [1, 2])
    func realisticLogOfSeveralMiB(jobs: Int) throws {
        try roundTrip(CompressFixtures.logLines(size: 3 * 1024 * 1024 + 12345), compressor: GzipCompressor(jobs: jobs))
    }

    @Test func incompressibleDataRoundTripsInParallel() throws {
        try roundTrip(SeededRandom.bytes(700_000, seed: 7), compressor: GzipCompressor(jobs: 2, blockSize: 128 * 1024))
    }

    @Test(arguments: [Int32(1), 6, 9])
    func serialSizeIsWithinOnePercentOfGzip(level: Int32) throws {
        // GNU gzip has its own deflate, so the bytes differ from zlib's; the size must not.
        let data = CompressFixtures.logLines(size: 1_000_000, seed: 3)
        let ours = try roundTrip(data, compressor: GzipCompressor(level: level, jobs: 1))
        let reference = try gzipReference(data, level: level)
        #expect(Double(ours.count) <= Double(reference.count) * 1.01)
        #expect(ours[8] == (level == 9 ? 2 : level == 1 ? 4 : 0))
    }

    @Test func parallelRatioIsWithinOnePercentOfGzip() throws {
        let data = CompressFixtures.logLines(size: 4 * 1024 * 1024)
        let parallel = try roundTrip(data, compressor: GzipCompressor(level: 6, jobs: 2, blockSize: 128 * 1024))
        let reference = try gzipReference(data, level: 6)
        #expect(Double(parallel.count) <= Double(reference.count) * 1.01)
        #expect(Double(parallel.count) < Double(data.count) / 2)
    }

    @Test(arguments: [1, 2])
    func headerCarriesTheSourceModificationTimeAndNoName(jobs: Int) throws {
        let data = CompressFixtures.logLines(size: 300_000)
        let gz = try roundTrip(data, compressor: GzipCompressor(jobs: jobs, blockSize: 64 * 1024), modified: 1_234_567_890)
        let parsed = try #require(GzipHeader.decode(gz))
        #expect(parsed.header.modificationTime == 1_234_567_890)
        #expect(parsed.header.name == nil)
        #expect(parsed.header.operatingSystem == 3)
        #expect(parsed.length == 10)
    }

    /// A large output's writeback is started every `OutputWriteback.defaultInterval` bytes, on one thread
    /// and by the parallel pipeline's writer thread, so that its sync waits for the last stretch only;
    /// the hint failing changes nothing in the output.
    @Test(arguments: [1, 2])
    func largeOutputStartsItsWritebackAndItsFailureIsHarmless(jobs: Int) throws {
        defer { SystemFaults.reset() }
        let interval = Int(OutputWriteback.defaultInterval)
        let noise = SeededRandom.bytes(2 * interval + interval / 2, seed: 11)   // stored, not compressed
        let dir = TempDirectory("rotatectl-writeback")
        defer { dir.remove() }
        let source = dir.child("noise.log"), gz = dir.child("noise.log.gz")
        try #require(TestFile.write(noise, to: source))
        let forced = SystemFaults.force("sync_file_range", .ioError, path: gz, scope: .anyThread)
        let stats = try CompressTestIO.gzip(source, to: gz, with: Self.compressor(jobs: jobs, engine: .libdeflate))
        #expect(stats.bytesOut >= Int64(2 * interval))
        #expect(SystemFaults.count(forced).fired == 2, "writeback started \(SystemFaults.count(forced).fired) times")
        #expect(CompressedFile.passesGzipTest(gz))
        #expect(same(CompressedFile.decompressed(gz), noise))
    }

    @Test func gzipListsTheStoredNameAndTime() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.child("out"), withIntermediateDirectories: false)
        let source = dir.child("named.log"), gz = dir.child("out/other.gz")
        try #require(TestFile.write(CompressFixtures.logLines(size: 5000), to: source))
        try CompressTestIO.gzip(source, to: gz, with: GzipCompressor(jobs: 1, storesName: true), modified: 1_500_000_000)
        let parsed = try #require(GzipHeader.decode(TestFile.bytes(gz) ?? []))
        #expect(parsed.header.name == "named.log")
        #expect(parsed.header.modificationTime == 1_500_000_000)
        // gzip -N restores the stored name and time.
        let restored = try ChildProcess.runCapturingOutput(["sh", "-c", "cd \(dir.path)/out && gzip -dN other.gz && stat -c %Y named.log"])
        #expect(restored.result.succeeded)
        #expect(restored.output.trimmingTrailingWhitespace() == "1500000000")
    }

    @Test func timesOutsideTheHeaderRangeAreStoredAsZero() {
        #expect(GzipHeader(modificationTime: -5).modificationTime == 0)
        #expect(GzipHeader(modificationTime: Int64(UInt32.max) + 1).modificationTime == 0)
        #expect(GzipHeader(modificationTime: 77).encoded()[4] == 77)
    }

    @Test func trailerIsCrcAndSizeLittleEndian() {
        #expect(GzipHeader.trailer(crc: 0x0403_0201, size: 0x1_0000_0005) == [1, 2, 3, 4, 5, 0, 0, 0])
    }

    @Test func levelFromCompressOptions() {
        #expect(GzipCompressor.level(fromOptions: []) == 6)
        #expect(GzipCompressor.level(fromOptions: ["-9"]) == 9)
        #expect(GzipCompressor.level(fromOptions: ["-1", "-n"]) == 1)
        #expect(GzipCompressor.level(fromOptions: ["--best"]) == 9)
        #expect(GzipCompressor.level(fromOptions: ["--rsyncable"]) == nil)
        #expect(GzipCompressor.level(fromOptions: ["-0"]) == nil)
        #expect(GzipCompressor.level(fromOptions: ["-12"]) == nil)
    }

    @Test func builtInReplacesOnlyPlainGzip() {
        #expect(GzipCompressor.replacing(command: "/usr/bin/gzip", options: ["-9"], jobs: 3)?.level == 9)
        #expect(GzipCompressor.replacing(command: "gzip", options: [], jobs: 3)?.jobs == 3)
        #expect(GzipCompressor.replacing(command: "/usr/bin/bzip2", options: ["-9"]) == nil)
        #expect(GzipCompressor.replacing(command: "gzip", options: ["--rsyncable"]) == nil)
    }

    @Test func invalidLevelIsAZlibErrorNamingThePath() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let source = dir.child("x.log")
        try #require(TestFile.write([1, 2, 3], to: source))
        #expect {
            try CompressTestIO.gzip(source, to: source + ".gz", with: GzipCompressor(level: 42, jobs: 1))
        } throws: { error in
            guard let e = error as? CompressError, case .zlib(let path, let call, let code, _) = e else { return false }
            return path == source && call == "deflateInit2" && code == -2 && e.description.hasPrefix(source + ": ")
        }
    }

    /// `gzip -LEVEL -n` of `data`.
    func gzipReference(_ data: [UInt8], level: Int32) throws -> [UInt8] {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        try #require(TestFile.write(data, to: dir.child("in")))
        let input = open(dir.child("in"), O_RDONLY | O_CLOEXEC)
        let output = open(dir.child("out.gz"), O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        defer { close(input); close(output) }
        #expect(try ChildProcess.run(["gzip", "-\(level)", "-n"], stdin: input, stdout: output).succeeded)
        return try #require(TestFile.bytes(dir.child("out.gz")))
    }
}
