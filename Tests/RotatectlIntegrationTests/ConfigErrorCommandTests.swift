import Foundation
import Testing
import TestSupport

/// `check` and `run` on configurations with mistakes (issue 18): an error drops its block (exit 2), a
/// warning drops nothing (exit 0), and every one is reported with FILE:LINE:COL.
@Suite struct ConfigErrorCommandTests {
    @Test func badValueDropsOnlyItsBlockAndRunExits2() {
        let t = TempDirectory()
        for name in ["a.log", "b.log", "c.log"] { t.write(name, "\(name)\n") }
        mkdir(t.child("conf.d"), 0o755)
        t.config("@DIR@/a.log {\n rotate 1\n}\n", name: "conf.d/a")
        t.config("@DIR@/b.log {\n rotate 1\n size 300x\n}\n@DIR@/c.log {\n rotate 1\n}\n@DIR@/b.log {\n rotate 2\n}\n", name: "conf.d/b")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), t.child("conf.d")])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(t.exists("a.log.1") && t.exists("c.log.1"))
        // The later block naming b.log still runs.
        #expect(t.exists("b.log.1"))
        // run prints an error as `rotatectl: FILE:LINE:COL: message`.
        #expect(r.stderr.contains("rotatectl: \(t.child("conf.d/b")):3:7: unknown unit 'x'"), "\(r.stderr)")
        #expect(r.stderr.contains("rotatectl: \(t.child("conf.d/b")):1:1: block of \(t.child("b.log")) dropped"), "\(r.stderr)")
    }

    @Test func warningsAloneDoNotChangeTheExitStatus() {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        let conf = t.config("frobnicate\n@DIR@/a.log {\n rotate 1\n size 10\n daily\n nonsense here\n} x\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.exists("a.log.1"))
        for (line, col) in [(1, 1), (6, 2), (7, 3)] {
            #expect(r.stderr.contains("warning: \(conf):\(line):\(col): "), "\(line): \(r.stderr)")
        }
        // logrotate's note on an overridden criterion is shown by check and --verbose, not by a plain run.
        #expect(!r.stderr.contains("'daily' overrides previously specified 'size'"))
        let check = Harness.rotatectl(["check", conf])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.components(separatedBy: "warning:").count == 4)
        #expect(check.stderr.contains("\(conf):5:2: note: 'daily' overrides previously specified 'size'"), "\(check.stderr)")
    }

    @Test func checkReportsEveryErrorAndDroppedBlockAndExits2() {
        let t = TempDirectory()
        let conf = t.config("@DIR@/a.log {\n create 0640 nosuchuser_rtctl root\n}\nrotate 1x\n@DIR@/b.log {\n su root nosuchgroup_rtctl\n}\n")
        let r = Harness.rotatectl(["check", conf])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(conf):2:9: error: unknown user 'nosuchuser_rtctl'"), "\(r.stderr)")
        #expect(r.stderr.contains("\(conf):4:8: error: bad rotation count '1x'"), "\(r.stderr)")
        #expect(r.stderr.contains("\(conf):6:5: error: unknown group 'nosuchgroup_rtctl'"), "\(r.stderr)")
        #expect(r.stderr.contains("\(conf):1:1: error: block of \(t.child("a.log")) dropped for its error at line 2"))
        #expect(r.stderr.contains("\(conf):5:1: error: block of \(t.child("b.log")) dropped"))
        #expect(r.stderr.contains("rotatectl: 3 errors in configuration"), "\(r.stderr)")
    }

    @Test func jsonCarriesTheCodes() throws {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        t.write("b.log", "b\n")
        let conf = t.config("@DIR@/a.log {\n rotate x\n}\n@DIR@/b.log {\n rotate 1\n bogus\n}\n")
        let r = Harness.rotatectl(["run", "--json", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 2, "\(r.stderr)")
        let codes = Harness.events(r).compactMap { $0["code"] as? String }
        #expect(codes == ["config-invalid", "config-dropped", "config-warning"], "\(r.stdout)")
        #expect(t.exists("a.log") && !t.exists("a.log.1") && t.exists("b.log.1"))
    }
}
