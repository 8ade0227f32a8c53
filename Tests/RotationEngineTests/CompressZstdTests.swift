import Foundation
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct ZstdCompressorTests {
    static let read = ZstdCompressor.bufferSize

    /// Compresses `data` with `compressor`; checks the output with `zstd -t`, `zstd -dc` and our own
    /// decompressor, and returns it.
    @discardableResult
    func roundTrip(_ data: [UInt8], compressor: ZstdCompressor) throws -> [UInt8] {
        let dir = TempDirectory("rotatectl-zstd")
        defer { dir.remove() }
        let source = dir.child("app.log"), zst = dir.child("app.log.zst")
        try #require(TestFile.write(data, to: source))
        let stats = try ZstdTestIO.compress(source, to: zst, with: compressor)
        let compressed = try #require(TestFile.bytes(zst))
        #expect(stats.bytesIn == Int64(data.count))
        #expect(stats.bytesOut == Int64(compressed.count))
        #expect(CompressedFile.passesZstdTest(zst), "zstd -t fails on \(data.count) bytes")
        #expect(same(CompressedFile.decompressed(zst, with: "/usr/bin/zstd"), data))
        let back = try ZstdTestIO.decompress(zst)
        #expect(same(back, data))
        return compressed
    }

    @Test(arguments: [0, 1, 100, read - 1, read, read + 1, 2 * read, 3 * read + 17], [1, 2])
    func roundTripAroundReadBoundaries(size: Int, workers: Int) throws {
        try roundTrip(CompressFixtures.logLines(size: size, seed: UInt64(size)), compressor: ZstdCompressor(workers: workers))
    }

    /// Generated files of random sizes, contents (log lines or random bytes), levels and thread counts
    /// all come back byte for byte.
    @Test func generatedFilesComeBackExactly() throws {
        var random = SeededRandom(seed: 2024)
        for _ in 0..<12 {
            let size = Int(random.next() % UInt64(3 * Self.read))
            let text = random.next() % 3 != 0
            let data = text ? CompressFixtures.logLines(size: size, seed: random.next())
                : (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let level = Int32(random.next() % 12) + 1
            try roundTrip(data, compressor: ZstdCompressor(level: level, workers: Int(random.next() % 3) + 1))
        }
    }

    /// A file above the threshold on libzstd's worker threads: the same bytes back, and the size of
    /// `zstd -3 -T2` on it within 1%.
    @Test func largeFileOnWorkerThreads() throws {
        let data = CompressFixtures.logLines(size: 3 * Int(ZstdCompressor.workerThreshold) + 12345, seed: 7)
        let compressed = try roundTrip(data, compressor: ZstdCompressor(workers: 2))
        let cli = try #require(ZstdTestIO.cliSize(data, ["-3", "-T2"]))
        #expect(abs(Double(compressed.count - cli)) <= 0.01 * Double(cli), "in-process \(compressed.count), zstd -3 -T2 \(cli)")
    }

    /// The size `zstd -N` makes, within 1%, at levels 1, 3 and 19; a higher level is never larger.
    @Test func sizesMatchTheCommandAtEachLevel() throws {
        let data = CompressFixtures.logLines(size: 2 * Self.read + 999, seed: 11)
        var sizes: [Int] = []
        for level: Int32 in [1, 3, 19] {
            let compressed = try roundTrip(data, compressor: ZstdCompressor(level: level))
            let cli = try #require(ZstdTestIO.cliSize(data, ["-\(level)"]))
            #expect(abs(Double(compressed.count - cli)) <= 0.01 * Double(cli), "level \(level): \(compressed.count) vs \(cli)")
            sizes.append(compressed.count)
        }
        #expect(sizes[0] >= sizes[1] && sizes[1] >= sizes[2], "\(sizes)")
    }

    /// The frame carries a content checksum by default (as the CLI's), none with `--no-check`;
    /// `--long` output reads back.
    @Test func checksumAndLongWindow() throws {
        let data = CompressFixtures.logLines(size: 300_000, seed: 3)
        let checked = try roundTrip(data, compressor: ZstdCompressor())
        let unchecked = try roundTrip(data, compressor: try #require(ZstdCompressor(options: ["--no-check"], jobs: 1)))
        // Frame_Header_Descriptor, after the 4-byte magic: bit 2 is Content_Checksum_flag.
        #expect(checked[4] & 0x04 != 0)
        #expect(unchecked[4] & 0x04 == 0)
        #expect(checked.count == unchecked.count + 4)
        try roundTrip(data, compressor: try #require(ZstdCompressor(options: ["--long"], jobs: 2)))
    }

    /// Writeback is started for every `interval` bytes written, contiguously from the first byte, so
    /// that less than `interval` is ever left for the final fsync; a smaller output never starts one.
    @Test func writebackIsStartedEveryIntervalFromTheFirstByte() {
        var random = SeededRandom(seed: 20)
        for _ in 0..<50 {
            let interval = Int64(random.next() % 5000) + 1
            var pacer = OutputWriteback(interval: interval)
            var handedOver: Int64 = 0
            for _ in 0..<Int(random.next() % 200) {
                let count = Int(random.next() % UInt64(3 * interval))
                let before = pacer.written
                if let from = pacer.wrote(count) {
                    #expect(from == handedOver)
                    #expect(before + Int64(count) - from >= interval)
                    handedOver = before + Int64(count)
                }
                #expect(pacer.written == before + Int64(count))
                #expect(pacer.started == handedOver)
                #expect(pacer.written - pacer.started < interval)
            }
        }
        var small = OutputWriteback()
        #expect(small.wrote(Int(OutputWriteback.defaultInterval) - 1) == nil)
    }

    /// The compressor starts the output's writeback (`sync_file_range`) once per 8 MiB written, never
    /// for a small output, and a failing `sync_file_range` (a hint) still leaves a correct output.
    @Test func largeOutputStartsItsWritebackAndItsFailureIsHarmless() throws {
        defer { SystemFaults.reset() }
        let interval = Int(OutputWriteback.defaultInterval)
        let noise = SeededRandom.bytes(2 * interval + interval / 2, seed: 9)   // stored, not compressed
        let forced = SystemFaults.force("sync_file_range", .ioError)
        let compressed = try roundTrip(noise, compressor: ZstdCompressor(workers: 2))
        #expect(compressed.count >= 2 * interval)
        #expect(SystemFaults.count(forced).matched == 2)
        #expect(SystemFaults.count(forced).fired == 2)
        try roundTrip(CompressFixtures.logLines(size: 3 * Self.read, seed: 4), compressor: ZstdCompressor())
        #expect(SystemFaults.count(forced).matched == 2)
    }

    @Test func optionsItHonoursAndThoseItLeavesToTheCommand() {
        func parsed(_ options: [String], jobs: Int = 4) -> ZstdCompressor? { ZstdCompressor(options: options, jobs: jobs) }
        #expect(parsed([]) == ZstdCompressor(level: 3, workers: 4))
        #expect(parsed(["-19"]) == ZstdCompressor(level: 19, workers: 4))
        #expect(parsed(["-1", "-q", "", "--no-progress", "-9"]) == ZstdCompressor(level: 9, workers: 4))
        #expect(parsed(["-22"])?.level == 19)   // the CLI's cap without --ultra
        #expect(parsed(["--ultra", "-22"])?.level == 22)
        #expect(parsed(["--fast"])?.level == -1)
        #expect(parsed(["--fast=5"])?.level == -5)
        #expect(parsed(["-T2"])?.workers == 2)
        #expect(parsed(["-T0"])?.workers == 4)
        #expect(parsed(["--threads=1"])?.workers == 1)
        #expect(parsed(["-T8"])?.workers == 4)   // never more than the run's jobs
        #expect(parsed(["--long"])?.longWindowLog == 27)
        #expect(parsed(["--long=31"])?.longWindowLog == 31)
        #expect(parsed(["--no-check"])?.checksum == false)
        #expect(parsed(["--no-check", "-C"])?.checksum == true)
        for other in ["--rsyncable", "-3T2", "--long=9", "--long=32", "-0", "-23", "-T", "-Tx", "--format=gzip",
                      "-D", "dictionary", "-B1024", "--adapt", "-d"] {
            #expect(parsed([other]) == nil, "\(other)")
        }
        #expect(ZstdCompressor.replacing(command: "/usr/bin/zstd", options: ["-5"], jobs: 2) == ZstdCompressor(level: 5, workers: 2))
        #expect(ZstdCompressor.replacing(command: "zstd", options: []) != nil)
        for command in ["zstdmt", "pzstd", "gzip", "/usr/bin/zstd-wrapper", "xz"] {
            #expect(ZstdCompressor.replacing(command: command, options: []) == nil, "\(command)")
        }
    }

    /// Empty, truncated, garbage-ended and foreign files are refused as not valid zstd.
    @Test func decompressorRefusesWhatIsNotZstd() throws {
        let data = CompressFixtures.logLines(size: 200_000, seed: 5)
        let dir = TempDirectory("rotatectl-zstd")
        defer { dir.remove() }
        let source = dir.child("a"), zst = dir.child("a.zst")
        try #require(TestFile.write(data, to: source))
        try ZstdTestIO.compress(source, to: zst, with: ZstdCompressor())
        let good = try #require(TestFile.bytes(zst))
        let cases: [(String, [UInt8])] = [("empty", []), ("truncated", Array(good.dropLast(7))),
                                          ("garbage after", good + [1, 2, 3, 4, 5]), ("plain", Array(data.prefix(1000))),
                                          ("flipped byte", good.enumerated().map { $0 == good.count / 2 ? $1 ^ 0x55 : $1 })]
        for (name, bytes) in cases {
            try #require(TestFile.write(bytes, to: zst))
            #expect(throws: CompressError.self, "\(name)") { _ = try ZstdTestIO.decompress(zst) }
        }
        // Two frames one after the other are one stream, as for `zstd -d`.
        try #require(TestFile.write(good + good, to: zst))
        #expect(same(try ZstdTestIO.decompress(zst), data + data))
    }
}

/// Running the engine's zstd compressor and decompressor on files, and the `zstd` command on bytes.
enum ZstdTestIO {
    @discardableResult
    static func compress(_ source: String, to destination: String, with compressor: ZstdCompressor) throws -> CompressStats {
        let input = try FileDescriptor.open(source, .readOnly)
        defer { try? input.close() }
        let output = try FileDescriptor.open(destination, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        defer { try? output.close() }
        let size = Int64(try input.seek(offset: 0, from: .end))
        return try compressor.compress(source: input, sourcePath: source, size: size, destination: output, destinationPath: destination)
    }

    static func decompress(_ path: String) throws -> [UInt8] {
        let input = try FileDescriptor.open(path, .readOnly)
        defer { try? input.close() }
        var out: [UInt8] = []
        _ = try ZstdDecompressor().decompress(source: input, sourcePath: path) { bytes throws(CompressError) in
            out += bytes
            return true
        }
        return out
    }

    /// The size of what `zstd OPTIONS -c` makes of `data`.
    static func cliSize(_ data: [UInt8], _ options: [String]) -> Int? {
        let dir = TempDirectory("rotatectl-zstd-cli")
        defer { dir.remove() }
        guard TestFile.write(data, to: dir.child("in")) else { return nil }
        let r = SpawnedProcess.captureBytes(["/usr/bin/zstd", "-q", "-c"] + options + [dir.child("in")])
        return r.status == 0 ? r.stdout.count : nil
    }
}
