import Testing
@testable import RotationEngine
import CZlib
import TestSupport

/// Files that fit in one read are deflated whole by libdeflate, as one gzip member; larger ones read by
/// read, as joined pieces (`DeflateJoinerTests`, `GzipCompressorTests`).
@Suite struct WholeBufferDeflaterTests {
    let buffer = GzipCompressor.bufferSize
    let compression = GzipCompressorTests()

    @Test(arguments: [1, 20_000, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1])
    func bothSidesOfTheOneReadLimitRoundTrip(size: Int) throws {
        // Below the read buffer's size: one member at once; at it and above: one piece per read.
        try compression.roundTrip(CompressFixtures.logLines(size: size, seed: UInt64(size)),
                                  compressor: GzipCompressor(level: 6, jobs: 1))
    }

    @Test(arguments: [Int32(1), 6, 9])
    func aSmallFileKeepsTheHeaderAndIsNoLargerThanZlibMakesIt(level: Int32) throws {
        let data = CompressFixtures.logLines(size: 100_000, seed: 5)
        let gz = try compression.roundTrip(data, compressor: GzipCompressor(level: level, jobs: 1), modified: 1_234_567_890)
        let parsed = try #require(GzipHeader.decode(gz))
        #expect(parsed.header.modificationTime == 1_234_567_890)
        #expect(parsed.header.name == nil)
        #expect(parsed.header.operatingSystem == 3)
        #expect(gz[8] == (level == 9 ? 2 : level == 1 ? 4 : 0))
        #expect(gz.count <= zlibSize(data, level: level), "libdeflate at the same level compresses at least as well")
    }

    @Test func theMemberIsHeaderDeflateAndTrailer() throws {
        let data = CompressFixtures.logLines(size: 50_000, seed: 9)
        let deflater = try #require(WholeBufferDeflater(level: 6, inputCapacity: buffer))
        let header = GzipHeader(modificationTime: 42, name: "x.log").encoded()
        let length = try #require(data.withUnsafeBytes { deflater.member($0, header: header) })
        let member = Array(UnsafeRawBufferPointer(rebasing: deflater.output[0..<length]))
        #expect(Array(member.prefix(header.count)) == header)
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        #expect(Array(member.suffix(8)) == GzipHeader.trailer(crc: crc, size: Int64(data.count)))
        #expect(same(gunzip(member), data))
    }

    @Test func anEmptyInputIsAValidMember() throws {
        let deflater = try #require(WholeBufferDeflater(level: 6, inputCapacity: buffer))
        let empty = [UInt8](repeating: 0, count: 1)
        let length = try #require(empty.withUnsafeBytes { deflater.member(UnsafeRawBufferPointer(rebasing: $0[0..<0]), header: GzipHeader(modificationTime: 0).encoded()) })
        let member = Array(UnsafeRawBufferPointer(rebasing: deflater.output[0..<length]))
        #expect(gunzip(member) == [])
    }

    @Test func aHeaderTooLongForTheFramingIsRefusedSoTheCallerStreams() throws {
        let deflater = try #require(WholeBufferDeflater(level: 6, inputCapacity: buffer))
        let header = GzipHeader(modificationTime: 0, name: String(repeating: "n", count: 2000)).encoded()
        #expect([UInt8](repeating: 65, count: 100).withUnsafeBytes { deflater.member($0, header: header) } == nil)
    }

    @Test func levelsLibdeflateLacksAreRefused() {
        #expect(WholeBufferDeflater(level: 10, inputCapacity: 1024) == nil)
        #expect(WholeBufferDeflater(level: -2, inputCapacity: 1024) == nil)
        #expect(WholeBufferDeflater(level: -1, inputCapacity: 1024) != nil, "zlib's default, 6")
    }

    /// `gzip -t`, then `gzip -dc`, of a member written to a file.
    func gunzip(_ member: [UInt8]) -> [UInt8]? {
        let dir = TempDirectory("rotatectl-deflate")
        defer { dir.remove() }
        let path = dir.child("m.gz")
        guard TestFile.write(member, to: path), CompressedFile.passesGzipTest(path) else { return nil }
        return CompressedFile.decompressed(path)
    }

    /// The size of a raw zlib deflate of `data` at `level` plus gzip framing (18 bytes).
    func zlibSize(_ data: [UInt8], level: Int32) -> Int {
        (RawZlib.deflated(data, level: level)?.count ?? 0) + 18
    }
}
