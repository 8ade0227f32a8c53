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

    /// The shipped /etc/rotatectl.conf checks clean on this host (Debian's /etc/logrotate.d, from
    /// scripts/setup.sh), and names no log that /etc/logrotate.d names already: a dry run over the real
    /// logs reports no duplicate, where a copy of logrotate.conf's wtmp block does.
    @Test func shippedConfigChecksCleanAndNamesNoLogTwice() {
        let path = ExampleConfigs.path("examples/configs/rotatectl.conf")
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        #expect(text.split(separator: "\n").contains("include /etc/logrotate.d"))
        let check = Harness.rotatectl(["check", path])
        #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
        let t = TempDirectory()
        defer { t.remove() }
        let dry = Harness.rotatectl(["run", "--dry-run", "-s", t.child("state"), path])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!dry.stderr.contains("already named"), "\(dry.stderr)")
        guard FileManager.default.fileExists(atPath: "/etc/logrotate.d/wtmp") else { return }
        let repeated = t.write("repeat.conf", text + "\n/var/log/wtmp {\n    monthly\n}\n")
        let twice = Harness.rotatectl(["run", "--dry-run", "-s", t.child("state"), repeated])
        #expect(twice.stderr.contains("/var/log/wtmp: already named"), "\(twice.stderr)")
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
