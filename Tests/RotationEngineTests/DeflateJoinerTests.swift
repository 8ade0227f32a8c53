import CDeflate
import CZlib
import Testing
@testable import RotationEngine
import TestSupport

/// Complete deflate streams, from libdeflate or zlib, made into pieces that join into one stream.
@Suite struct DeflateJoinerTests {
    /// A complete raw deflate stream of `data`: libdeflate at `level` (0 stores), or zlib (`zlib: true`)
    /// with Z_FINISH. Room for the joiner's growth is left after it.
    static func stream(_ data: [UInt8], level: Int32, zlib: Bool = false) -> (buffer: UnsafeMutableRawBufferPointer, length: Int)? {
        let capacity = data.count + data.count / 8 + 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        var length = 0
        if zlib {
            if let bytes = RawZlib.deflated(data, level: level), bytes.count + 8 <= capacity {
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
                length = bytes.count
            }
        } else if let c = libdeflate_alloc_compressor(level) {
            length = data.withUnsafeBytes { libdeflate_deflate_compress(c, $0.baseAddress, $0.count, buffer.baseAddress, capacity - 8) }
            libdeflate_free_compressor(c)
        }
        guard length > 0 else {
            buffer.deallocate()
            return nil
        }
        return (buffer, length)
    }

    /// Sources of a piece: libdeflate at levels 0 (stored blocks, so a byte-aligned end), 1, 6 and 12,
    /// and zlib at 6.
    static let sources: [(level: Int32, zlib: Bool)] = [(0, false), (1, false), (6, false), (12, false), (6, true)]
    static let sizes = [1, 2, 3, 7, 100, 4_999, 70_000, 300_001]

    @Test func piecesOfEveryKindJoinIntoOneGzipMember() throws {
        let joiner = try DeflateJoiner(path: "test")
        var joined: [UInt8] = GzipHeader(modificationTime: 0).encoded()
        var expected: [UInt8] = []
        var growths: Set<Int> = []
        var seed: UInt64 = 1
        for source in Self.sources {
            for size in Self.sizes {
                let data = seed % 3 == 0 ? SeededRandom.bytes(size, seed: seed) : CompressFixtures.logLines(size: size, seed: seed)
                seed += 1
                let piece = try #require(Self.stream(data, level: source.level, zlib: source.zlib))
                defer { piece.buffer.deallocate() }
                let length = try #require(joiner.makeJoinable(piece.buffer, length: piece.length, decodedLength: data.count),
                                          "level \(source.level) zlib \(source.zlib) size \(size)")
                growths.insert(length - piece.length)
                let bytes = Array(UnsafeRawBufferPointer(rebasing: piece.buffer[0..<length]))
                #expect(Array(bytes.suffix(4)) == [0, 0, 0xFF, 0xFF], "ends in an empty stored block")
                let alone = try #require(RawZlib.inflated(bytes, expecting: data.count))
                #expect(!alone.ended, "no final block is left in a joined piece")
                #expect(same(alone.output, data))
                joined += bytes
                expected += data
            }
        }
        #expect(growths == [4, 5], "both ends are met: the stored header in the last byte, and spilling into one more")
        // The last piece stays final.
        let tail = CompressFixtures.logLines(size: 12_345, seed: 99)
        let last = try #require(Self.stream(tail, level: 6))
        defer { last.buffer.deallocate() }
        joined += Array(UnsafeRawBufferPointer(rebasing: last.buffer[0..<last.length]))
        expected += tail
        let crc = expected.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, $0.count) }
        joined += GzipHeader.trailer(crc: crc, size: Int64(expected.count))

        let dir = TempDirectory("rotatectl-join")
        defer { dir.remove() }
        let path = dir.child("joined.gz")
        try #require(TestFile.write(joined, to: path))
        #expect(CompressedFile.passesGzipTest(path))
        #expect(same(CompressedFile.decompressed(path), expected))
    }

    @Test func whatIsNotOneCompleteStreamOfTheExpectedLengthIsRefusedUntouched() throws {
        let joiner = try DeflateJoiner(path: "test")
        let data = CompressFixtures.logLines(size: 200_000, seed: 4)
        let piece = try #require(Self.stream(data, level: 6))
        defer { piece.buffer.deallocate() }
        let before = Array(piece.buffer)
        func refused(_ length: Int, _ decoded: Int, room: Int? = nil) -> Bool {
            let buffer = UnsafeMutableRawBufferPointer(rebasing: piece.buffer[0..<(room ?? piece.buffer.count)])
            return joiner.makeJoinable(buffer, length: length, decodedLength: decoded) == nil && Array(piece.buffer) == before
        }
        #expect(refused(piece.length - 1, data.count), "truncated")
        #expect(refused(piece.length / 2, data.count), "cut in half")
        #expect(refused(piece.length + 1, data.count), "a byte after the stream's end")
        #expect(refused(piece.length, data.count + 1), "decodes to fewer bytes than expected")
        #expect(refused(piece.length, data.count - 1), "decodes to more bytes than expected")
        #expect(refused(piece.length, data.count, room: piece.length + DeflateJoiner.growth - 1), "no room to grow")
        #expect(refused(0, 0), "empty")
        let garbage = SeededRandom.bytes(1000, seed: 8)
        let noise = UnsafeMutableRawBufferPointer.allocate(byteCount: 1100, alignment: 16)
        defer { noise.deallocate() }
        garbage.withUnsafeBytes { noise.copyMemory(from: $0) }
        #expect(joiner.makeJoinable(noise, length: 1000, decodedLength: 5000) == nil, "not deflate at all")
        // The joiner is not left in a bad state by what it refused.
        #expect(joiner.makeJoinable(piece.buffer, length: piece.length, decodedLength: data.count) != nil)
    }
}
