#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// The state file as a run holds it (`StateSession`): written once per run, proved writable before the
/// first rename, read again after recovery, and never losing a rotation to a crash.
@Suite(.serialized) struct StateSessionTests {
    /// A state line of logrotate's layout saying `path` was last rotated long ago, so a `daily` log is due.
    static func oldEntries(_ paths: [String]) -> String {
        "logrotate state -- version 2\n" + paths.map { "\"\($0)\" 2020-1-1-0:0:0\n" }.joined()
    }

    /// A small tmpfs at `dir` (mode 0700, root's), unmounted by the caller.
    static func mountTmpfs(_ dir: String, size: String = "64k") throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let r = Harness.run(["/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", dir])
        try #require(r.status == 0, "mount: \(r.stderr)")
    }

    static func unmount(_ dir: String) { _ = Harness.run(["/bin/umount", dir]) }

    static func entries(_ path: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in (TestFile.text(path) ?? "").split(separator: "\n").dropFirst() {
            guard let end = line.dropFirst().firstIndex(of: "\"") else { continue }
            result[String(line[line.index(after: line.startIndex)..<end])] = String(line[line.index(after: end)...])
        }
        return result
    }

    // MARK: point 13

    /// With the state on a read-only file system, three runs in a row rotate nothing, each saying why.
    @Test func unwritableStateRotatesNothing() throws {
        let t = TempDirectory("state-ro")
        let log = t.write("logs/a.log", "line\n")
        let conf = t.config("@DIR@/logs/a.log {\n daily\n rotate 5\n missingok\n}\n")
        let fs = t.child("statefs")
        try Self.mountTmpfs(fs)
        defer { Self.unmount(fs) }
        let state = fs + "/status"
        t.write("statefs/status", Self.oldEntries([log]))
        let remount = Harness.run(["/bin/mount", "-o", "remount,ro", fs])
        try #require(remount.status == 0, "remount: \(remount.stderr)")
        for run in 1...3 {
            let r = Harness.rotatectl(["run", "--json", "-s", state, conf])
            #expect(r.status == 1, "run \(run): \(r.status) \(r.stdout) \(r.stderr)")
            #expect(Harness.codes(r) == ["state-unwritable"] && Harness.errnos(r, "state-unwritable") == [Int(EROFS)], "run \(run): \(r.stdout)")
            #expect(!Harness.events(r).contains { $0["action"] as? String == "rename" }, "run \(run): \(r.stdout)")
        }
        #expect(t.names(includingHidden: false).filter { $0.hasPrefix("logs/") } == ["logs/a.log"])
    }

    /// The same with the state's file system full.
    @Test func fullStateFileSystemRotatesNothing() throws {
        let t = TempDirectory("state-full")
        let log = t.write("logs/a.log", "line\n")
        let conf = t.config("@DIR@/logs/a.log {\n daily\n rotate 5\n missingok\n}\n")
        let fs = t.child("statefs")
        try Self.mountTmpfs(fs)
        defer { Self.unmount(fs) }
        let state = fs + "/status"
        t.write("statefs/status", Self.oldEntries([log]))
        _ = Harness.run(["/bin/dd", "if=/dev/zero", "of=\(fs)/filler", "bs=4096"])
        for run in 1...3 {
            let r = Harness.rotatectl(["run", "--json", "-s", state, conf])
            #expect(r.status == 1, "run \(run): \(r.status) \(r.stdout) \(r.stderr)")
            #expect(Harness.codes(r) == ["state-unwritable"] && Harness.errnos(r, "state-unwritable") == [Int(ENOSPC)], "run \(run): \(r.stdout)")
            #expect(!Harness.events(r).contains { $0["action"] as? String == "rename" }, "run \(run): \(r.stdout)")
        }
        #expect(t.names(includingHidden: false).filter { $0.hasPrefix("logs/") } == ["logs/a.log"])
        // Room again: the next run rotates, once.
        _ = Harness.run(["/bin/rm", "-f", "\(fs)/filler"])
        let ok = Harness.rotatectl(["run", "-s", state, conf])
        #expect(ok.status == 0, "\(ok.stderr)")
        let again = Harness.rotatectl(["run", "-s", state, conf])
        #expect(again.status == 0 && !again.stdout.contains("rename"), "\(again.stdout)")
        #expect(t.names(includingHidden: false).filter { $0.hasPrefix("logs/") } == ["logs/a.log.1"])
    }

    // MARK: point 10

    /// Killed anywhere in a `dateext` rotation, the next run finishes it from the journal and then plans
    /// on the state recovery saved: the log is no longer due, so no "destination already exists".
    @Test func recoveryThenDateextIsNotAnError() throws {
        func setUp() -> (TempDirectory, String, String) {
            let t = TempDirectory("state-dateext")
            let log = t.write("logs/app.log", Harness.lines("line", 1...200))
            t.write("status", Self.oldEntries([log]))
            let conf = t.config("@DIR@/logs/app.log {\n daily\n rotate 3\n dateext\n create\n}\n")
            return (t, conf, t.child("status"))
        }
        let (b, bconf, bstate) = setUp()
        let baseline = Harness.rotatectl(["run", "-s", bstate, bconf], environment: ["ROTATECTL_CRASH_COUNT": b.child("points")])
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let points = Int((b.read("points") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(points >= 3)
        var recovered = 0
        for k in 1...max(points, 1) {
            let (t, conf, state) = setUp()
            let crashed = Harness.rotatectl(["run", "-s", state, conf], environment: ["ROTATECTL_CRASH_AT": String(k)])
            #expect(crashed.status == 137, "at \(k): \(crashed.stderr)")
            let again = Harness.rotatectl(["run", "-v", "-s", state, conf])
            if again.stderr.contains("finished a rotation interrupted") || again.stdout.contains("finished a rotation interrupted") {
                recovered += 1
            }
            #expect(again.status == 0, "after crash at \(k): \(again.stderr)")
            #expect(!again.stderr.contains("already exists"), "after crash at \(k): \(again.stderr)")
            let third = Harness.rotatectl(["run", "-v", "-s", state, conf])
            #expect(third.status == 0 && !third.stdout.contains("rename"), "after crash at \(k): status \(third.status): \(third.stdout) \(third.stderr)")
            let rotated = t.names(includingHidden: false).filter { $0.hasPrefix("logs/app.log-") }
            #expect(rotated.count == 1, "after crash at \(k): \(rotated)")
        }
        #expect(recovered > 0, "no crash point left a journal to recover")
    }

    // MARK: another run meanwhile

    /// The state is read once per run, yet a set planned at the start and rotated meanwhile by another
    /// run (here one started by the first set's `firstaction`, while no directory lock is held, and
    /// skipping the state file's lock as `logrotate --skip-state-lock` does) is not rotated again: the
    /// re-plan under the lock sees the other run's entry.
    @Test func anotherRunsRotationIsSeenUnderTheLock() throws {
        let t = TempDirectory("state-meanwhile")
        t.write("x/x.log", "x\n")
        let y = t.write("y/y.log", "y\n")
        t.write("status", Self.oldEntries([t.child("x/x.log"), y]))
        let other = t.config("@DIR@/y/y.log {\n daily\n rotate 3\n create\n}\n", name: "other.conf")
        let link = try Differential.logrotateLink(in: t.path)
        let conf = t.config("""
            @DIR@/x/x.log {
                daily
                rotate 3
                create
                firstaction
                    \(link) --skip-state-lock -v -s @DIR@/status \(other) > @DIR@/other.out 2>&1
                endscript
            }
            @DIR@/y/y.log {
                daily
                rotate 3
                create
            }
            """)
        let r = Harness.rotatectl(["run", "-v", "-s", t.child("status"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("other.out")?.contains("rename") == true, "\(t.read("other.out") ?? "")")
        #expect(t.exists("y/y.log.1") && !t.exists("y/y.log.2"), "rotated twice: \(r.stdout)")
        #expect(t.exists("x/x.log.1"))
        #expect(Self.entries(t.child("status")).count == 2)
    }

    // MARK: issue 16: one write per run

    /// 200 one-log sets forced: the state file is written a handful of times, not once per set, and
    /// holds every log; the side file is gone.
    @Test func manySetsWriteTheStateOnce() throws {
        let t = TempDirectory("state-once")
        var conf = ""
        for i in 0..<200 {
            t.write("logs/l\(i).log", "x\n")
            conf += "\(t.path)/logs/l\(i).log {\n rotate 1\n daily\n}\n"
        }
        let confPath = t.write("test.conf", conf)
        let r = Harness.rotatectl(["run", "-f", "-s", t.child("status"), confPath],
                                  environment: ["ROTATECTL_STATE_WRITES": t.child("writes")])
        #expect(r.status == 0, "\(r.stderr)")
        let writes = Int((t.read("writes") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect((1...5).contains(writes), "state written \(writes) times")
        #expect(Self.entries(t.child("status")).count == 200)
        #expect(!t.exists("status.pending"))
    }

    // MARK: crash safety of the deferred write

    /// Killed at every crash point of a run of many sets (with the state written at the end, and after
    /// every set), the next run rotates no log a second time and the state holds every log.
    @Test(arguments: [nil, "0"]) func killedAtEveryPointRotatesNothingTwice(_ flushSeconds: String?) throws {
        let logs = 8
        func setUp() -> (TempDirectory, String, String) {
            let t = TempDirectory("state-crash")
            var conf = "", paths: [String] = []
            for i in 0..<logs {
                paths.append(t.write("logs/l\(i).log", Harness.lines("l\(i)", 1...20)))
                conf += "\(t.path)/logs/l\(i).log {\n daily\n rotate 3\n create\n}\n"
            }
            t.write("status", Self.oldEntries(paths))
            return (t, t.write("test.conf", conf), t.child("status"))
        }
        var env: [String: String] = [:]
        if let flushSeconds { env["ROTATECTL_STATE_FLUSH_SECONDS"] = flushSeconds }
        let (b, bconf, bstate) = setUp()
        var countEnv = env
        countEnv["ROTATECTL_CRASH_COUNT"] = b.child("points")
        let baseline = Harness.rotatectl(["run", "-s", bstate, bconf], environment: countEnv)
        #expect(baseline.status == 0, "\(baseline.stderr)")
        let points = Int((b.read("points") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(points >= logs * 2, "\(points) points")
        let expected = (0..<logs).map { "logs/l\($0).log.1" }.sorted()
        for k in 1...max(points, 1) {
            let (t, conf, state) = setUp()
            var crashEnv = env
            crashEnv["ROTATECTL_CRASH_AT"] = String(k)
            let crashed = Harness.rotatectl(["run", "-s", state, conf], environment: crashEnv)
            #expect(crashed.status == 137, "at \(k): \(crashed.stderr)")
            let again = Harness.rotatectl(["run", "-s", state, conf], environment: env)
            #expect(again.status == 0, "after crash at \(k): \(again.stderr)")
            let third = Harness.rotatectl(["run", "-v", "-s", state, conf], environment: env)
            #expect(third.status == 0 && !third.stdout.contains("rename"), "after crash at \(k): rotated again: \(third.stdout)")
            let names = t.names(includingHidden: false).filter { $0.hasPrefix("logs/") && $0.hasSuffix(".log.1") }
            #expect(names.sorted() == expected, "after crash at \(k): \(names)")
            #expect(!t.names(includingHidden: false).contains { $0.hasSuffix(".log.2") }, "after crash at \(k): rotated twice")
            let recorded = Self.entries(state)
            #expect(recorded.count == logs && !recorded.values.contains { $0.hasPrefix(" 2020-") },
                    "after crash at \(k): state \(recorded)")
            #expect(!t.exists("status.pending"), "after crash at \(k): side file left")
        }
    }
}
