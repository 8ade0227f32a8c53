import Foundation
import Testing
@testable import RotationEngine

/// SplitMix64: a small seeded generator so every run mutates the same way.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("ConfigParser random mutations") struct ConfigFuzzTests {
    static let alphabet = Array("{}\"'\\#\n =%~/*.-+,0123456789abcdefkMGrotaeswyl\t\r".utf8)

    static func corpus() throws -> [[UInt8]] {
        let dir = ConfigTest.fixtures + "/logrotate.d"
        var texts = try FileManager.default.contentsOfDirectory(atPath: dir).sorted().map {
            try String(contentsOfFile: dir + "/" + $0, encoding: .utf8)
        }
        texts.append(try String(contentsOfFile: ConfigTest.fixtures + "/logrotate.conf", encoding: .utf8))
        // No include: a mutation must not send the parser reading arbitrary directories.
        return texts.map { Array($0.replacingOccurrences(of: "include", with: "#nclude").utf8) }
    }

    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...Int.random(in: 0...4, using: &rng) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: if !bytes.isEmpty { bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...20, using: &rng))) }
            case 1: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
            case 2: if !bytes.isEmpty { bytes[at] = UInt8.random(in: 0...255, using: &rng) }
            case 3: bytes = Array(bytes.prefix(at))
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...80, using: &rng))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: at)
            case 5: bytes.insert(contentsOf: Array(repeating: UInt8(ascii: "{"), count: Int.random(in: 1...300, using: &rng)), at: at)
            default: if !bytes.isEmpty { bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            }
        }
        return bytes
    }

    @Test func twoThousandMutationsParseToResultsOrDiagnostics() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count >= 10)
        var rng = SeededGenerator(state: 20_260_301)
        var broken = 0
        for i in 0..<2000 {
            let bytes = Self.mutate(corpus[i % corpus.count], &rng)
            let text = String(decoding: bytes, as: UTF8.self)
            let c = ConfigParser(asRoot: false).parse(text: text, file: "/fuzz/\(i)")
            let lineCount = text.utf8.filter { $0 == UInt8(ascii: "\n") }.count + 1
            #expect(!c.errors.isEmpty || c.droppedBlocks.isEmpty, "mutation \(i)")
            #expect(c.diagnostics.allSatisfy { (1...lineCount).contains($0.location.line) }, "mutation \(i): \(c.diagnostics)")
            #expect(c.errors.count <= ConfigParseSession.maxErrorsPerFile)
            #expect(c.logSets.allSatisfy { $0.configFile == "/fuzz/\(i)" && !$0.patterns.isEmpty })
            if !c.errors.isEmpty { broken += 1 }
        }
        // The mutations must reach the error paths, and leave some files intact.
        #expect(broken > 200 && broken < 2000)
    }
}
