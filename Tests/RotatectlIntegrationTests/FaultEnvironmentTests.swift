import Foundation
import Testing
import TestSupport

/// `ROTATECTL_FAIL` (debug builds) forces an errno on a system call of the built binary: the run fails
/// as it would on a real device error, naming the call, the path and the errno, and loses nothing. A
/// bad rule is reported once and ignored.
@Suite struct FaultEnvironmentTests {
    static func setUp(_ t: TempDirectory) -> String {
        t.write("logs/app.log", Harness.lines("line", 1...100))
        return t.config("@DIR@/logs/app.log {\n rotate 2\n}\n")
    }

    @Test func aForcedFsyncOfTheJournalRotatesNothing() {
        let t = TempDirectory("rotatectl-fail-env")
        defer { t.remove() }
        let conf = Self.setUp(t)
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf],
                                  environment: ["ROTATECTL_FAIL": "fsync:EIO:1:.rotatectl.journal"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("\(t.child("logs/.rotatectl.journal")): fsync: Input/output error"), "\(r.stderr)")
        #expect(t.read("logs/app.log") == Harness.lines("line", 1...100) && !t.exists("logs/app.log.1"), "\(t.names())")
        let again = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(t.read("logs/app.log.1") == Harness.lines("line", 1...100))
    }

    @Test func aForcedStateWriteKeepsTheOldState() {
        let t = TempDirectory("rotatectl-fail-env")
        defer { t.remove() }
        let conf = Self.setUp(t)
        t.write("state", "logrotate state -- version 2\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf],
                                  environment: ["ROTATECTL_FAIL": "renameat:EIO:*"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(": renameat: Input/output error"), "\(r.stderr)")
        #expect(t.read("state") == "logrotate state -- version 2\n")
        #expect(t.names(recursive: false).filter { $0.hasPrefix(".rotatectl-state.") } == [])
    }

    @Test func aBadRuleIsReportedOnceAndIgnored() {
        let t = TempDirectory("rotatectl-fail-env")
        defer { t.remove() }
        let conf = Self.setUp(t)
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf],
                                  environment: ["ROTATECTL_FAIL": "fsync:EBOGUS:1"])
        #expect(r.status == 0, "\(r.stderr)")
        let reports = r.stderr.components(separatedBy: "fault injection: ignored: fsync:EBOGUS:1").count - 1
        #expect(reports == 1, "\(r.stderr)")
        #expect(t.exists("logs/app.log.1"))
    }
}
