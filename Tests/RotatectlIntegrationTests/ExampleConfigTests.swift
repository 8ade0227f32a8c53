import Foundation
import Testing
import RotationEngine
import TestSupport

/// Every shipped example configuration is parsed by the real parser and by `rotatectl check`.
@Suite struct ExampleConfigTests {
    @Test(arguments: ExampleConfigs.all)
    func parsesCleanly(_ relative: String) {
        let path = ExampleConfigs.path(relative)
        let parsed = ConfigParser(asRoot: false).parse(paths: [path])
        #expect(parsed.diagnostics.filter { $0.severity == .error }.isEmpty, "\(parsed.diagnostics)")
        #expect(!parsed.logSets.isEmpty)
        let r = Harness.rotatectl(["check", path])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func demoConfigParsesOnceFilledIn() {
        let t = TempDirectory()
        let text = (try? String(contentsOfFile: ExampleConfigs.path(ExampleConfigs.demoTemplate), encoding: .utf8)) ?? ""
        let conf = t.write("demo.conf", text.replacingOccurrences(of: ExampleConfigs.demoPlaceholder, with: t.path))
        let parsed = ConfigParser(asRoot: false).parse(paths: [conf])
        #expect(parsed.diagnostics.filter { $0.severity == .error }.isEmpty, "\(parsed.diagnostics)")
        #expect(parsed.logSets.count >= 2)
    }
}
