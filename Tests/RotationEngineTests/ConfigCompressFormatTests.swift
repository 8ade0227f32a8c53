import Testing
@testable import RotationEngine

/// `compressformat FORMAT [LEVEL]`: one line for what logrotate needs `compresscmd`, `compressoptions`,
/// `compressext` and `uncompresscmd` for, recognised by the run as its built-in compressors.
@Suite struct ConfigCompressFormatTests {
    @Test func setsTheFourDirectives() throws {
        let z = try #require(ConfigTest.block("compress\ncompressformat zstd 19").set)
        #expect(z.compressCommand == "zstd" && z.compressOptions == ["-19"])
        #expect(z.effectiveCompressExtension == ".zst" && z.uncompressCommand == "unzstd")
        #expect(ZstdCompressor.replacing(command: z.compressCommand, options: z.compressOptions, jobs: 1)?.level == 19)
        let ultra = try #require(ConfigTest.block("compressformat zstd 22").set)
        #expect(ultra.compressOptions == ["--ultra", "-22"])
        #expect(ZstdCompressor.replacing(command: ultra.compressCommand, options: ultra.compressOptions, jobs: 1)?.level == 22)
        let plain = try #require(ConfigTest.block("compressformat = zstd").set)
        #expect(plain.compressOptions.isEmpty && plain.compressExtension == ".zst")
        let g = try #require(ConfigTest.block("compresscmd xz\ncompressformat gzip 9").set)
        #expect(g.compressCommand == "gzip" && g.compressOptions == ["-9"] && g.effectiveCompressExtension == ".gz")
        #expect(g.uncompressCommand == "gunzip")
        #expect(GzipCompressor.replacing(command: g.compressCommand, options: g.compressOptions, jobs: 1)?.level == 9)
        // A later directive overrides what it set, as any other would.
        let later = try #require(ConfigTest.block("compressformat zstd\ncompressoptions -5").set)
        #expect(later.compressOptions == ["-5"] && later.compressCommand == "zstd")
        // In the globals, inherited by the block.
        #expect(ConfigTest.block("", globals: "compressformat zstd 7").set?.compressOptions == ["-7"])
    }

    @Test(arguments: ["compressformat lzma9", "compressformat zstd 0", "compressformat zstd 23", "compressformat gzip 10",
                      "compressformat zstd fast", "compressformat zstd 3 4", "compressformat", "compressformat ZSTD"])
    func refusesWhatItDoesNotKnow(_ line: String) {
        let (set, config) = ConfigTest.block("compress\n" + line)
        #expect(set == nil, "\(line)")
        #expect(ConfigTest.lines(config) == [4], "\(line): \(config.errors)")   // line 1 holds the (empty) globals
    }
}
