import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// Every input kept under Fixtures/fuzz-regressions (crashes scripts/fuzz.sh found, and hand-written
/// hostile inputs) parses to a result with diagnostics, keeping the invariants the fuzzer checks.
@Suite("Hardening: config fuzz regressions") struct HardeningFuzzRegressionTests {
    static let directory = PackagePaths.root + "/Tests/RotationEngineTests/Fixtures/fuzz-regressions"

    static func inputs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix("README") }.sorted()
    }

    @Test func thereAreRegressionInputs() {
        #expect(Self.inputs().count >= 5)
    }

    @Test(arguments: inputs())
    func regressionInputParses(name: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: Self.directory + "/" + name))
        // As the fuzzer does: `include` neutralised, so an input never reads the machine's files.
        var raw = [UInt8](bytes)
        let word = Array("include".utf8)
        var i = 0
        while i + word.count <= raw.count {
            if Array(raw[i..<(i + word.count)]) == word { raw[i] = UInt8(ascii: "#"); i += word.count } else { i += 1 }
        }
        let text = String(decoding: raw, as: UTF8.self)
        let c = ConfigParser(asRoot: false).parse(text: text, file: "/fuzz/\(name)")
        let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        #expect(!c.errors.isEmpty || c.droppedBlocks.isEmpty)
        #expect(c.diagnostics.allSatisfy { (1...lines).contains($0.location.line) }, "\(c.diagnostics)")
        #expect(c.logSets.allSatisfy { !$0.patterns.isEmpty })
        #expect(c.errors.count <= ConfigParseSession.maxErrorsPerFile)
    }
}
