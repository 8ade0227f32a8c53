#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `rotatectl watch` runs sets side by side: a set whose run is slow (here a postrotate that waits for
/// the test) delays neither the trigger nor the rotation of another set, elsewhere or in its own
/// directory (the slow run holds only the files its journal names). Ordering, not timing, is asserted:
/// the slow script is held until the test lets it go.
@Suite(.serialized) struct WatchWorkerTests {
    static func config(_ scratch: TempDirectory) -> String {
        scratch.config("""
            @DIR@/a/a.log {
                maxsize 1k
                size 1G
                rotate 50
                missingok
                postrotate
                    touch @DIR@/a-started
                    n=0
                    while [ ! -e @DIR@/release ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done
                endscript
            }
            @DIR@/b/b.log {
                maxsize 1k
                size 1G
                rotate 50
                missingok
            }
            @DIR@/a/c.log {
                maxsize 1k
                size 1G
                rotate 50
                missingok
            }
            """)
    }

    static func fill(_ path: String, _ tag: String, _ from: Int, _ count: Int) {
        var text = ""
        for i in from..<(from + count) { text += "\(tag) \(i) " + String(repeating: "z", count: 60) + "\n" }
        LineAppender.append(path, text)
    }

    @Test func aSlowRunDelaysNeitherTheTriggerNorTheRotationOfAnotherLogThereOrElsewhere() throws {
        let scratch = TempDirectory()
        for d in ["a", "b"] { mkdir(scratch.child(d), 0o755) }
        let (a, b, c) = (scratch.child("a/a.log"), scratch.child("b/b.log"), scratch.child("a/c.log"))
        for (path, tag) in [(a, "a"), (b, "b"), (c, "c")] { Self.fill(path, tag, 0, 1) }
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: Self.config(scratch), state: state))
        defer { touch(scratch.child("release")); _ = watcher.stop() }
        #expect(eventually(timeout: 10) { ["a.log", "b.log", "c.log"].allSatisfy { TestFile.text(state)?.contains($0) == true } })

        Self.fill(a, "a", 1, 40)
        try #require(eventually(timeout: 10) { access(scratch.child("a-started"), F_OK) == 0 }, "a's postrotate never started")
        // a's run is now held in its postrotate. b is in another directory: rotated meanwhile.
        Self.fill(b, "b", 1, 40)
        #expect(eventually(timeout: 10) { access(b + ".1", F_OK) == 0 }, "b waited for a's run")
        // c shares a's directory, not a's files: rotated meanwhile too, beside a's journal.
        Self.fill(c, "c", 1, 40)
        #expect(eventually(timeout: 10) { access(c + ".1", F_OK) == 0 }, "c waited for a's run in its directory")
        #expect(access(scratch.child("release"), F_OK) != 0, "the test let a's script go too early")
        touch(scratch.child("release"))
        #expect(watcher.stop() == 0)
        for (dir, prefix) in [(scratch.child("a"), "a.log"), (scratch.child("b"), "b.log"), (scratch.child("a"), "c.log")] {
            let census = LineAppender.census(dir, prefix: prefix)
            #expect(census.count == 41 && census.values.allSatisfy { $0 == 1 }, "\(prefix): \(census.count) distinct lines, doubled \(census.filter { $0.value > 1 }.count)")
        }
        // Both runs wrote the state file; neither lost the other's rotations.
        let text = TestFile.text(state) ?? ""
        for log in [a, b, c] { #expect(text.contains(log), "\(log) missing from the state file") }
        #expect(!watcher.has(code: "state-locked"), "the runs of one watcher share the state file's lock")
    }

    @Test func aRunFromCronWaitsForTheWatchersRunsAndThenGetsItsTurn() throws {
        let scratch = TempDirectory()
        for d in ["a", "b"] { mkdir(scratch.child(d), 0o755) }
        let a = scratch.child("a/a.log")
        Self.fill(a, "a", 0, 1)
        let state = scratch.child("state")
        let config = Self.config(scratch)
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        defer { touch(scratch.child("release")); _ = watcher.stop() }
        #expect(eventually(timeout: 10) { TestFile.text(state)?.contains("a.log") == true })
        Self.fill(a, "a", 1, 40)
        try #require(eventually(timeout: 10) { access(scratch.child("a-started"), F_OK) == 0 })
        // The watcher's run holds the state file's lock, as one logrotate run would.
        let busy = Harness.rotatectl(["run", "-s", state, "--wait", "0", config])
        #expect(busy.status == 3, "\(busy.stderr)")
        touch(scratch.child("release"))
        let later = Harness.rotatectl(["run", "-s", state, "--wait", "20", config])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(watcher.stop() == 0)
    }

    /// `su` changes the effective user and group of the whole process (every thread), so a group with an
    /// `su` set never runs beside another: here b, in another directory, waits for a's run under `su`.
    @Test func aGroupUnderSuRunsAlone() throws {
        let scratch = TempDirectory()
        for d in ["a", "b"] { mkdir(scratch.child(d), 0o755) }
        let (a, b) = (scratch.child("a/a.log"), scratch.child("b/b.log"))
        Self.fill(a, "a", 0, 1)
        Self.fill(b, "b", 0, 1)
        let config = scratch.config("""
            @DIR@/a/a.log {
                su root root
                maxsize 1k
                size 1G
                rotate 50
                missingok
                postrotate
                    touch @DIR@/a-started
                    n=0
                    while [ ! -e @DIR@/release ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done
                endscript
            }
            @DIR@/b/b.log {
                maxsize 1k
                size 1G
                rotate 50
                missingok
            }
            """, name: "su.conf")
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        defer { touch(scratch.child("release")); _ = watcher.stop() }
        #expect(eventually(timeout: 10) { ["a.log", "b.log"].allSatisfy { TestFile.text(state)?.contains($0) == true } })
        Self.fill(a, "a", 1, 40)
        try #require(eventually(timeout: 10) { access(scratch.child("a-started"), F_OK) == 0 }, "a's postrotate never started")
        Self.fill(b, "b", 1, 40)
        sleepSeconds(1)
        #expect(access(b + ".1", F_OK) != 0, "b ran beside a run under su")
        touch(scratch.child("release"))
        #expect(eventually(timeout: 10) { access(b + ".1", F_OK) == 0 }, "b was not rotated once a's run ended")
        #expect(watcher.stop() == 0)
        for (dir, prefix) in [(scratch.child("a"), "a.log"), (scratch.child("b"), "b.log")] {
            let census = LineAppender.census(dir, prefix: prefix)
            #expect(census.count == 41 && census.values.allSatisfy { $0 == 1 }, "\(prefix): \(census.count) distinct lines")
        }
    }

    /// A watcher killed with SIGKILL in the middle of a run (its postrotate): the journal it left is
    /// finished by the next `run`, and a new watcher starts on the same state file (the dead one's lock
    /// on `STATE.watch` died with it); every line exactly once.
    @Test func aWatcherKilledMidRunLeavesNothingTheNextRunCannotFinish() throws {
        let scratch = TempDirectory()
        for d in ["a", "b"] { mkdir(scratch.child(d), 0o755) }
        let a = scratch.child("a/a.log")
        Self.fill(a, "a", 0, 1)
        let state = scratch.child("state")
        let config = Self.config(scratch)
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        #expect(eventually(timeout: 10) { TestFile.text(state)?.contains("a.log") == true })
        Self.fill(a, "a", 1, 40)
        try #require(eventually(timeout: 10) { access(scratch.child("a-started"), F_OK) == 0 })
        watcher.process.kill(SIGKILL)
        _ = watcher.process.wait()
        #expect(access(scratch.child("a/.rotatectl.journal"), F_OK) == 0, "no journal left mid-run: the kill came too late to test anything")
        touch(scratch.child("release"))
        Self.fill(a, "a", 41, 10)
        let r = Harness.rotatectl(["run", "-s", state, config])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(access(scratch.child("a/.rotatectl.journal"), F_OK) != 0, "the journal was not finished")
        unlink(watcher.output)   // so that the next start waits for the new watcher's own `started`
        let again = try #require(RunningWatcher.start(scratch, config: config, state: state), "a new watcher was refused")
        #expect(again.stop() == 0)
        let census = LineAppender.census(scratch.child("a"), prefix: "a.log")
        #expect(census.count == 51 && census.values.allSatisfy { $0 == 1 }, "\(census.count) distinct lines, doubled \(census.filter { $0.value > 1 }.count)")
    }

    func touch(_ path: String) { LineAppender.append(path, "") }
}

/// A log directory that does not exist yet when the watcher starts: its nearest existing ancestor is
/// watched, so the directory is followed as soon as it is made, not at the next re-scan.
@Suite(.serialized) struct WatchMissingDirectoryTests {
    @Test func aLogDirectoryMadeAfterTheWatcherStartedIsFollowedWithoutARescan() throws {
        let scratch = TempDirectory()
        let config = scratch.config("@DIR@/later/deep/app.log {\n maxsize 1k\n size 1G\n rotate 5\n missingok\n}\n")
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state, arguments: ["--rescan", "3600"]))
        defer { _ = watcher.stop() }
        sleepSeconds(0.2)
        mkdir(scratch.child("later"), 0o755)
        mkdir(scratch.child("later/deep"), 0o755)
        let log = scratch.child("later/deep/app.log")
        LineAppender.append(log, "first\n")
        #expect(eventually(timeout: 10) { TestFile.text(state)?.contains("app.log") == true }, "the new log was never seen")
        LineAppender.append(log, String(repeating: "q", count: 2000) + "\n")
        #expect(eventually(timeout: 10) { access(log + ".1", F_OK) == 0 }, "not rotated past maxsize")
        #expect(watcher.stop() == 0)
        let census = LineAppender.census(scratch.child("later/deep"), prefix: "app.log")
        #expect(census.count == 2 && census.values.allSatisfy { $0 == 1 })
    }

}

/// Files planted by the directory's owner under a watched glob: a FIFO at a generation's name and a
/// symbolic link named like a log pointing outside the set. The watcher never hangs, never touches the
/// link's target, and still keeps every line of the real log exactly once.
@Suite(.serialized) struct WatchPlantedFileTests {
    /// Lines of the regular files (only: never a FIFO) in `dir` whose names start with `prefix`.
    static func census(_ dir: String, prefix: String) -> [String: Int] {
        var count: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) {
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            for line in Harness.contents(dir + "/" + name).split(separator: "\n") { count[String(line), default: 0] += 1 }
        }
        return count
    }

    @Test func plantedFifoAndLinkNeitherHangTheWatcherNorLeakOutsideTheSet() throws {
        let scratch = TempDirectory()
        let logs = scratch.child("logs")
        mkdir(logs, 0o755)
        let secret = scratch.child("secret")
        LineAppender.append(secret, "secret line\n")
        mkfifo(logs + "/app.log.1", 0o644)
        symlink(secret, logs + "/evil.log")
        let config = scratch.config("@DIR@/logs/*.log {\n maxsize 1k\n size 1G\n rotate 5\n compress\n missingok\n}\n")
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        let log = logs + "/app.log"
        WatchWorkerTests.fill(log, "a", 0, 1)
        #expect(eventually(timeout: 10) { TestFile.text(state)?.contains("app.log") == true })
        WatchWorkerTests.fill(log, "a", 1, 40)
        sleepSeconds(1.5)
        let stopped = Flag()
        let stopper = BackgroundThread { _ = watcher.stop(); stopped.set() }
        let ended = eventually(timeout: 15) { stopped.value }
        if !ended { watcher.process.kill(SIGKILL) }
        stopper.join()
        #expect(ended, "the watcher hung on a planted file")
        #expect(TestFile.text(secret) == "secret line\n", "the link's target was touched")
        var st = stat()
        #expect(lstat(logs + "/evil.log", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK, "the planted link was moved")
        let census = Self.census(logs, prefix: "app.log")
        #expect(census.count == 41 && census.values.allSatisfy { $0 == 1 }, "\(census.count) distinct lines, doubled \(census.filter { $0.value > 1 }.count)")
        #expect(!census.keys.contains("secret line"), "a line from outside the set came in")
    }
}
