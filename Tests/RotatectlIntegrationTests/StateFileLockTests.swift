import Foundation
import Synchronization
import Testing
import TestSupport

/// One run at a time per state file, rotatectl's or the real logrotate 3.21's (issue 19, section 1): both
/// take `flock` on the state file itself; the second one does nothing and exits 3, or waits.
@Suite struct StateFileLockTests {
    static let logrotate = "/usr/sbin/logrotate"

    /// A log and a block whose postrotate says it started (`ready`) and then sleeps `seconds`: the run
    /// holds the state lock meanwhile, scripts included.
    static func slowBlock(_ t: TempDirectory, seconds: Double) -> String {
        t.write("logs/a.log", "line\n")
        return t.config("@DIR@/logs/a.log {\n rotate 20\n create\n postrotate\n  touch @DIR@/ready\n  sleep \(seconds)\n endscript\n}\n")
    }

    static func holder(_ argv: [String], _ t: TempDirectory) throws -> SpawnedProcess {
        let child = try #require(SpawnedProcess.start(argv, output: t.child("holder.out"), removing: ["ROTATECTL_LOCKED_DIRS"]))
        #expect(eventually { t.exists("ready") })
        return child
    }

    @Test func logrotateHoldingTheStateFileKeepsRotatectlOut() throws {
        let t = TempDirectory("rotatectl-sfl-lr")
        defer { t.remove() }
        let conf = Self.slowBlock(t, seconds: 3)
        let state = t.child("state")
        let lr = try Self.holder([Self.logrotate, "-f", "-s", state, conf], t)
        let busy = Harness.rotatectl(["run", "-f", "--json", "--wait", "0", "-s", state, conf])
        #expect(busy.status == 3)
        #expect(Harness.codes(busy) == ["state-locked"])
        let link = try Differential.logrotateLink(in: t.path)
        let named = Harness.run([link, "-f", "-s", state, conf])
        #expect(named.status == 3 && named.stderr.contains("error: state file"), "\(named.stderr)")
        // Waiting: logrotate replaces the state file by rename as it ends, so the waiter's lock is on a
        // file the name no longer names; it locks the new one and rotates from logrotate's record.
        let waited = Harness.rotatectl(["run", "-f", "--json", "--wait", "20", "-s", state, conf])
        #expect(lr.wait() == 0)
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(t.exists("logs/a.log.1") && t.exists("logs/a.log.2"))
        #expect(Harness.contents(t.child("logs/a.log.2")) == "line\n")
    }

    @Test func rotatectlHoldingTheStateFileKeepsLogrotateOut() throws {
        let t = TempDirectory("rotatectl-sfl-rc")
        defer { t.remove() }
        let conf = Self.slowBlock(t, seconds: 2)
        let state = t.child("state")
        let rc = try Self.holder([PackagePaths.rotatectl, "run", "-f", "-s", state, conf], t)
        let lr = Harness.run([Self.logrotate, "-f", "-s", state, conf])
        #expect(lr.status == 3, "\(lr.stderr)")
        #expect(lr.stderr.contains("already locked"))
        // status and check take no lock.
        #expect(Harness.rotatectl(["status", "-s", state, conf]).status == 0)
        #expect(Harness.rotatectl(["check", conf]).status == 0)
        // logrotate's --skip-state-lock goes ahead; --wait-for-state-lock waits for the end of the run.
        let link = try Differential.logrotateLink(in: t.path)
        let waiting = Harness.run([link, "--wait-for-state-lock", "-s", state, conf])
        #expect(rc.wait() == 0)
        #expect(waiting.status == 0, "\(waiting.stderr)")
        let skip = Harness.run([Self.logrotate, "--skip-state-lock", "-s", state, conf])
        #expect(skip.status == 0, "\(skip.stderr)")
    }

    /// Many runs race on one state file, each rotating two sets with the state file written after each
    /// set (replaced by rename mid-run): a run's postrotate fails if it finds another run inside, so no
    /// two runs ever overlap; those that wait all rotate, those that do not wait exit 3 or rotate.
    @Test func racingRunsNeverOverlap() throws {
        let t = TempDirectory("rotatectl-sfl-race")
        defer { t.remove() }
        t.write("logs/a.log", "a\n")
        t.write("logs/b.log", "b\n")
        var conf = ""
        for name in ["a", "b"] {
            conf += "@DIR@/logs/\(name).log {\n rotate 50\n create\n postrotate\n  mkdir @DIR@/inside || exit 1\n"
            conf += "  sleep 0.02\n  rmdir @DIR@/inside\n endscript\n}\n"
        }
        let path = t.config(conf)
        let state = t.child("state")
        let env = ["ROTATECTL_STATE_FLUSH_SECONDS": "0"]
        let waiters = 8, tries = 8
        let argv = { @Sendable (wait: String) in [PackagePaths.rotatectl, "run", "-f", "--json", "--wait", wait, "-s", state, path] }
        let results = Mutex<[(wait: Bool, result: ProcessResult)]>([])
        DispatchQueue.concurrentPerform(iterations: waiters + tries) { i in
            let r = Harness.run(argv(i < waiters ? "60" : "0"), environment: env)
            results.withLock { $0.append((i < waiters, r)) }
        }
        let all = results.withLock { $0 }
        var rotated = 0
        for (wait, r) in all {
            if wait || r.status == 0 {
                #expect(r.status == 0, "\(r.stderr)")
                rotated += 1
            } else {
                #expect(r.status == 3 && Harness.codes(r) == ["state-locked"], "\(r.status) \(r.stderr)")
            }
        }
        for name in ["a", "b"] {
            #expect(t.exists("logs/\(name).log.\(rotated)") && !t.exists("logs/\(name).log.\(rotated + 1)"))
            #expect(Harness.contents(t.child("logs/\(name).log.\(rotated)")) == "\(name)\n")
        }
        #expect(!t.exists("inside"))
    }

    /// A postrotate running rotatectl on the same state file: the nested run fails at once with exit
    /// status 3 (not after --wait), and the outer run is not held up.
    @Test func aNestedRunOnTheSameStateFileFailsAtOnce() throws {
        let t = TempDirectory("rotatectl-sfl-nested")
        defer { t.remove() }
        t.write("logs/a.log", "a\n")
        t.write("logs/other.log", "o\n")
        let inner = t.config("@DIR@/logs/other.log {\n rotate 1\n}\n", name: "inner.conf")
        let state = t.child("state")
        let conf = t.config("""
            @DIR@/logs/a.log {
             rotate 1
             postrotate
              \(PackagePaths.rotatectl) run -f --json -s \(state) \(inner) > @DIR@/inner.json; echo $? > @DIR@/inner.status
             endscript
            }

            """)
        let start = Date()
        let r = Harness.rotatectl(["run", "-f", "-s", state, conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(t.read("inner.status") == "3\n")
        #expect(t.read("inner.json")?.contains("\"nested-run\"") == true)
        #expect(!t.exists("logs/other.log.1"))
    }
}
