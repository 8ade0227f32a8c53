import Foundation
import Testing
import TestSupport

/// What cron and journald want (issue 19, section 4): `run` prints nothing on success without `-v`, and
/// with `-v` each action line is written as it happens, also to a file or a pipe, so a run killed
/// mid-set leaves an accurate record of what it did.
@Suite struct OutputFlushTests {
    static func tree(_ t: TempDirectory, logs: Int) -> String {
        for i in 0..<logs { t.write("logs/l\(i).log", "log \(i)\n") }
        return t.config("@DIR@/logs/*.log {\n rotate 1\n}\n")
    }

    @Test func aSuccessfulRunIsSilentWithoutVerbose() {
        let t = TempDirectory("rotatectl-out-silent")
        defer { t.remove() }
        let conf = Self.tree(t, logs: 3)
        let quiet = Harness.rotatectl(["run", "-f", "-s", t.child("state"), conf])
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout)\(quiet.stderr)")
        #expect(t.exists("logs/l0.log.1"))
        for i in 0..<3 { t.write("logs/l\(i).log", "again\n") }
        let verbose = Harness.rotatectl(["run", "-f", "-v", "-s", t.child("state"), conf])
        #expect(verbose.status == 0 && verbose.stdout.contains("rename \(t.child("logs/l0.log")) -> "))
        for i in 0..<3 { t.write("logs/l\(i).log", "third\n") }
        let dry = Harness.rotatectl(["run", "-f", "-n", "-s", t.child("state"), conf])
        #expect(dry.status == 0 && dry.stdout.contains("rename \(t.child("logs/l0.log")) -> "))
    }

    /// Stopped at each of a set's renames (`ROTATECTL_CRASH_AT`, an `_exit` that loses any buffered
    /// output), with standard output a file: every rename printed happened, every rename that happened
    /// is printed, and the last line printed is the step the run stopped at.
    @Test func aRunKilledMidSetHasPrintedEveryActionItDid() {
        let logs = 8
        for crashAt in [2, 4, 6, 9] {
            let t = TempDirectory("rotatectl-out-kill")
            defer { t.remove() }
            let conf = Self.tree(t, logs: logs)
            let r = Harness.sh("ROTATECTL_CRASH_AT=\(crashAt) exec \(PackagePaths.rotatectl) run -f -v -s \(t.child("state")) \(conf) > \(t.child("out")) 2> \(t.child("err"))")
            #expect(r.status == 137)
            let printed = (t.read("out") ?? "").split(separator: "\n").map(String.init)
            let renames = printed.filter { $0.hasPrefix("rename ") }
            var done = 0
            for i in 0..<logs where t.exists("logs/l\(i).log.1") {
                done += 1
                #expect(!t.exists("logs/l\(i).log"))
                #expect(Harness.contents(t.child("logs/l\(i).log.1")) == "log \(i)\n")
                #expect(renames.contains("rename \(t.child("logs/l\(i).log")) -> \(t.child("logs/l\(i).log.1"))"), "crash at \(crashAt): \(printed)")
            }
            #expect(renames.count == done, "crash at \(crashAt): \(printed)")
            let stoppedAt = (t.read("err") ?? "").split(separator: "\n").last { $0.contains("stopping at point") }
            if let last = renames.last, let stoppedAt, stoppedAt.contains("(rename ") {
                #expect(stoppedAt.hasSuffix("(\(last))"), "crash at \(crashAt): \(stoppedAt) vs \(last)")
                #expect(printed.last == last)
            }
        }
    }
}
