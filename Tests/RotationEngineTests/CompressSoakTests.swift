import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// Random files through the built-in gzip: sizes at and between the boundaries of reads and blocks, data
/// from incompressible to all zeros and mixtures of both, every engine, one to three threads. Each
/// output must pass `gzip -t` and `zcat` must give back the input. A fixed seed by
/// default; `ROTATECTL_COMPRESS_SOAK=N` runs N files (`scripts/soak-compress.sh` runs thousands), and
/// `ROTATECTL_COMPRESS_SOAK_SEED` picks other ones.
@Suite struct CompressSoakTests {
    /// One file of the soak: its bytes and how it is compressed.
    struct Trial: CustomStringConvertible {
        var data: [UInt8]
        var kinds: [String]
        var compressor: GzipCompressor

        var description: String {
            "\(data.count) bytes of \(kinds.joined(separator: "+")), jobs \(compressor.jobs), block \(compressor.blockSize), \(compressor.engine)"
        }
    }

    static func trial(_ random: inout SeededRandom) -> Trial {
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let read = GzipCompressor.bufferSize
        let blocks = [32 * 1024, 64 * 1024, 100_000, read]
        let blockSize = blocks[pick(blocks.count)]
        // Near a multiple of the read or the block, or anywhere up to five reads.
        let size: Int
        switch pick(3) {
        case 0: size = max(0, (1 + pick(4)) * read + pick(5) - 2)
        case 1: size = max(0, (1 + pick(8)) * blockSize + pick(5) - 2)
        default: size = pick(5 * read)
        }
        var data: [UInt8] = []
        var kinds: [String] = []
        while data.count < size {
            let length = min(size - data.count, 1 + pick(pick(2) == 0 ? 4096 : 400_000))
            switch pick(4) {
            case 0:
                data += SeededRandom.bytes(length, seed: random.next())
                kinds.append("random")
            case 1:
                data += [UInt8](repeating: 0, count: length)
                kinds.append("zeros")
            case 2:
                data += [UInt8](repeating: UInt8(pick(256)), count: length / 2) + SeededRandom.bytes(length - length / 2, seed: random.next())
                kinds.append("run+random")
            default:
                data += CompressFixtures.logLines(size: length, seed: random.next())
                kinds.append("lines")
            }
        }
        var compressor = GzipCompressor(level: [1, 6, 9][pick(3)], jobs: 1 + pick(3), blockSize: blockSize)
        compressor.engine = GzipCompressorTests.engines[pick(GzipCompressorTests.engines.count)]
        return Trial(data: data, kinds: kinds.isEmpty ? ["nothing"] : kinds, compressor: compressor)
    }

    @Test func randomFilesRoundTrip() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["ROTATECTL_COMPRESS_SOAK"] ?? "") ?? 40
        let seed = UInt64(environment["ROTATECTL_COMPRESS_SOAK_SEED"] ?? "") ?? 2026
        var random = SeededRandom(seed: seed)
        var sizes: Set<Int> = []
        let dir = TempDirectory("rotatectl-soak")
        defer { dir.remove() }
        let source = dir.child("app.log"), gz = dir.child("app.log.gz")
        for n in 0..<count {
            let trial = Self.trial(&random)
            sizes.insert(trial.data.count)
            let label = "seed \(seed) file \(n): \(trial)"
            try #require(TestFile.write(trial.data, to: source))
            let stats = try CompressTestIO.gzip(source, to: gz, with: trial.compressor)
            #expect(stats.bytesIn == Int64(trial.data.count), "\(label)")
            #expect(CompressedFile.passesGzipTest(gz), "\(label)")
            let same = CompressedFile.decompressed(gz) == trial.data
            #expect(same, "\(label)")
        }
        #expect(sizes.count > min(count, 40) / 2, "the sizes vary")
    }
}
