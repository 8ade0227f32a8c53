import Foundation
import Testing
import TestSupport

/// Consecutive script-less sets executed as one group (`executeGroup`): what scripts see stays in
/// logrotate's order, a failing set does not stop the others, and the durable writes do not grow with
/// the number of sets.
@Suite struct SetGroupTests {
    /// One log a set, `rotate 1`, forced: the config of `bench/state-sets.py`.
    static func oneLogSets(_ t: TempDirectory, _ names: [String], extra: [String: String] = [:]) -> String {
        var conf = ""
        for name in names {
            t.write("logs/\(name).log", "\(name) line\n")
            conf += "@DIR@/logs/\(name).log {\n    rotate 1\n    missingok\n\(extra[name] ?? "")}\n"
        }
        return t.config(conf)
    }

    /// A postrotate script between grouped sets sees every set before it rotated and none after it, as
    /// logrotate runs sets one after the other.
    @Test func aScriptBetweenGroupsSeesTheSetsBeforeItRotatedAndNotThoseAfter() {
        let t = TempDirectory("rotatectl-group")
        let out = t.child("script.out")
        let post = """
                postrotate
                    for n in a1 a2 s c1 c2; do test -e \(t.child("logs"))/$n.log.1 && echo $n; done >> \(out)
                    echo end >> \(out)
                endscript

            """
        let conf = Self.oneLogSets(t, ["a1", "a2", "s", "c1", "c2"], extra: ["s": post])
        let r = Harness.rotatectl(["run", "--force", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(t.read("script.out") == "a1\na2\ns\nend\n")
        for n in ["a1", "a2", "s", "c1", "c2"] { #expect(t.read("logs/\(n).log.1") == "\(n) line\n") }
        let renames = r.stdout.split(separator: "\n").filter { $0.hasPrefix("rename") }
        #expect(renames.map { $0.split(separator: "/").last ?? "" } == ["a1.log.1", "a2.log.1", "s.log.1", "c1.log.1", "c2.log.1"])
    }

    /// A set whose rename fails (its olddir is on another file system) is reported and left out of the
    /// state; the other sets of its group rotate, and the exit status is 1. The next run finds no
    /// journal to finish and rotates nothing twice.
    @Test func aFailingSetDoesNotStopTheRestOfItsGroup() throws {
        let t = TempDirectory("rotatectl-group")
        let other = TempDirectory("rotatectl-group-olddir", under: "/dev/shm")
        var here = stat(), there = stat()
        guard stat(t.path, &here) == 0, stat(other.path, &there) == 0, here.st_dev != there.st_dev else { return }
        let conf = Self.oneLogSets(t, ["a", "b", "c", "d"], extra: ["b": "    olddir \(other.child("old"))\n    createolddir\n"])
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("b.log"), "\(r.stderr)")
        for n in ["a", "c", "d"] { #expect(t.read("logs/\(n).log.1") == "\(n) line\n", "\(n): \(r.stdout)") }
        #expect(t.read("logs/b.log") == "b line\n")
        let state = t.read("state") ?? ""
        #expect(state.contains("/a.log\"") && state.contains("/d.log\"") && !state.contains("/b.log\""), "\(state)")
        #expect(!t.exists("logs/.rotatectl.journal"))
    }

    /// A directory another run holds skips only the sets of the group that name it (exit status 3);
    /// the group's other sets, in other directories, rotate.
    @Test func aBusyDirectorySkipsOnlyTheSetsNamingIt() throws {
        let t = TempDirectory("rotatectl-group")
        var conf = ""
        for d in ["a", "b", "c"] {
            t.write("\(d)/\(d).log", "\(d) line\n")
            conf += "@DIR@/\(d)/\(d).log {\n    rotate 1\n}\n"
        }
        let path = t.config(conf)
        let holder = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", t.child("b"), "--",
                                                        "/bin/sh", "-c", "touch \(t.child("held")); sleep 3"]))
        defer { holder.kill(SIGTERM); holder.wait() }
        for _ in 0..<200 where !t.exists("held") { usleep(20_000) }
        let r = Harness.rotatectl(["run", "--force", "--wait", "0", "-s", t.child("state"), path])
        #expect(r.status == 3, "\(r.stdout)\n\(r.stderr)")
        #expect(t.read("a/a.log.1") == "a line\n" && t.read("c/c.log.1") == "c line\n", "\(r.stdout)")
        #expect(t.exists("b/b.log") && !t.exists("b/b.log.1"))
        #expect(r.stderr.contains("b/.rotatectl.lock") || r.stderr.contains("lock"), "\(r.stderr)")
    }

    /// fsync, fdatasync and syncfs calls of a forced run over `n` one-log sets in one directory.
    static func syncCalls(_ n: Int) -> Int? {
        let t = TempDirectory("rotatectl-group")
        let conf = oneLogSets(t, (0..<n).map { "l\($0)" })
        let r = Harness.run(["/usr/bin/strace", "-f", "-c", "-e", "trace=fsync,fdatasync,syncfs", "-o", t.child("strace"),
                             PackagePaths.rotatectl, "run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("logs/l\(n - 1).log.1") != nil)
        guard let summary = t.read("strace"), let total = summary.split(separator: "\n").last(where: { $0.contains("total") }) else { return nil }
        // "100.00 SECONDS USECS/CALL CALLS [ERRORS] total"
        let numbers = total.split(separator: " ").compactMap { Int($0) }
        return numbers.count >= 2 ? numbers[1] : nil
    }

    /// 200 sets forced make about as many durable writes as 2 (the journal, the renames' directory,
    /// the state, the journal's removal, once each), not 200 × 5.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")))
    func durableWritesDoNotGrowWithTheNumberOfSets() throws {
        let few = try #require(Self.syncCalls(2))
        let many = try #require(Self.syncCalls(200))
        #expect(many <= few + 2 && many < 20, "2 sets: \(few) syncs, 200 sets: \(many)")
    }
}
