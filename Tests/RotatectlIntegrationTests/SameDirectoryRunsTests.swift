#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// Two runs in one directory. A run holds the directory lock only while it journals and renames; its
/// scripts, writer waits and compression run with the lock released and its journal locked. Another
/// run may then rotate another set of the directory (it writes a journal of its own beside it), never
/// a file the held journal names; `rotatectl lock` and `cleanup` still wait for every rotation there to
/// end. Ordering, not timing, is asserted: the slow step waits for a file the test makes. Two runs on one
/// state file never overlap (its lock, as logrotate's): the second run here has a state file of its own,
/// as a second configuration would (`rotatectl watch` runs its workers side by side on one state file,
/// see WatchWorkerTests).
@Suite(.serialized) struct SameDirectoryRunsTests {
    /// a.log is held in its postrotate (`slow: .postrotate`) or in its compressor (`.compress`) until
    /// `DIR/release` exists; b.log, in the same directory, has nothing slow.
    enum Slow { case postrotate, compress }

    static func config(_ t: TempDirectory, _ slow: Slow) -> String {
        let wait = "touch @DIR@/a-started; n=0; while [ ! -e @DIR@/release ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done"
        let slowPart: String
        switch slow {
        case .postrotate:
            slowPart = "postrotate\n        \(wait)\n    endscript"
        case .compress:
            let gz = t.child("slowgz")
            LineAppender.append(gz, "#!/bin/sh\n\(wait.replacingOccurrences(of: "@DIR@", with: t.path))\nexec gzip \"$@\"\n")
            chmod(gz, 0o755)
            slowPart = "compress\n    compresscmd \(gz)\n    delaycompress"
        }
        return t.config("""
            @DIR@/logs/a.log {
                size 1
                rotate 5
                missingok
                \(slowPart)
            }
            @DIR@/logs/b.log {
                size 1
                rotate 5
                missingok
            }
            """)
    }

    func touch(_ path: String) { LineAppender.append(path, "") }

    static func fill(_ path: String, _ tag: String, _ range: Range<Int>) {
        LineAppender.append(path, range.map { "\(tag) \($0)\n" }.joined())
    }

    /// Every line of `tag` 0..<count once across the log and its generations (compressed ones read through gzip).
    static func census(_ dir: String, _ prefix: String, _ tag: String, _ count: Int) -> String? {
        let seen = LineAppender.census(dir, prefix: prefix)
        let expected = Set((0..<count).map { "\(tag) \($0)" })
        if Set(seen.keys) != expected { return "\(prefix): \(expected.subtracting(seen.keys).count) lines lost, \(Set(seen.keys).subtracting(expected).count) foreign" }
        if let doubled = seen.first(where: { $0.value != 1 }) { return "\(prefix): \(doubled.key) seen \(doubled.value) times" }
        return nil
    }

    /// Starts a run that rotates a.log and is held in its slow step; returns it once it is there.
    func startHeld(_ t: TempDirectory, _ config: String, _ state: String) throws -> SpawnedProcess {
        let run = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "run", "-s", state, config], output: t.child("first.out"),
                                                    removing: ["ROTATECTL_LOCKED_DIRS"]))
        try #require(eventually(timeout: 20) { access(t.child("a-started"), F_OK) == 0 }, "a's slow step never started")
        return run
    }

    @Test(arguments: [Slow.postrotate, Slow.compress])
    func anotherSetOfTheDirectoryIsRotatedWhileTheFirstRunFinishesItsOwn(_ slow: Slow) throws {
        let t = TempDirectory()
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        let (a, b) = (logs + "/a.log", logs + "/b.log")
        Self.fill(a, "a", 0..<10)
        let config = Self.config(t, slow)
        let state = t.child("state")
        var (aCount, bCount) = (10, 0)
        // A first rotation so that delaycompress has a generation to compress the next time.
        if slow == .compress {
            Self.fill(b, "b", 0..<10)
            touch(t.child("release"))
            #expect(Harness.rotatectl(["run", "-s", state, config]).status == 0)
            unlink(t.child("release"))
            Self.fill(a, "a", 10..<20)
            (aCount, bCount) = (20, 10)
        }
        // Only a is due: the first run holds a's journal and is held at a's slow step. Then b grows.
        let first = try startHeld(t, config, state)
        defer { touch(t.child("release")); _ = first.wait() }
        Self.fill(b, "b", bCount..<(bCount + 10))
        bCount += 10
        let second = Harness.rotatectl(["run", "-s", t.child("state2"), "--wait", "0", "--json", config])
        #expect(second.status == 0, "b waited for a's rotation: \(second.stderr)")
        let newest = b + (slow == .compress ? ".2" : ".1")
        #expect(access(newest, F_OK) == 0, "b not rotated beside a's rotation")
        #expect(access(t.child("release"), F_OK) != 0, "a's slow step was let go too early")
        #expect(access(logs + "/" + OwnFiles.journal, F_OK) == 0, "a's journal is held meanwhile")
        #expect(access(logs + "/" + OwnFiles.journal + ".2", F_OK) != 0, "b's journal, beside a's, was removed when b's rotation ended")
        touch(t.child("release"))
        #expect(first.wait() == 0, "\(Harness.contents(t.child("first.out")))")
        #expect(access(logs + "/" + OwnFiles.journal, F_OK) != 0)
        #expect(Self.census(logs, "a.log", "a", aCount) == nil)
        #expect(Self.census(logs, "b.log", "b", bCount) == nil)
        if slow == .compress { #expect(Harness.run(["/bin/gzip", "-t", a + ".2.gz"]).status == 0) }
        #expect(TestFile.text(state)?.contains(a) == true, "a's rotation missing from the first run's state file")
    }

    @Test func theSameSetWaitsForTheRunStillFinishingIt() throws {
        let t = TempDirectory()
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        let a = logs + "/a.log"
        Self.fill(a, "a", 0..<10)
        let config = Self.config(t, .postrotate)
        let state = t.child("state")
        let first = try startHeld(t, config, state)
        defer { touch(t.child("release")); _ = first.wait() }
        Self.fill(a, "a", 10..<20)
        // a is due again, but its files are the held journal's: busy (exit 3), nothing touched.
        let second = Harness.rotatectl(["run", "-s", t.child("state2"), "--wait", "0", "--json", config])
        #expect(second.status == 3, "\(second.stdout)\(second.stderr)")
        #expect(Harness.codes(second).contains("journal-in-use"), "\(second.stdout)")
        #expect(access(a + ".2", F_OK) != 0, "a rotated twice at once")
        // rotatectl lock waits for every rotation of the directory to end.
        let lock = Harness.rotatectl(["lock", "--wait", "0", logs, "--", "true"])
        #expect(lock.status == 3, "lock given while a rotation was still going there: \(lock.stderr)")
        touch(t.child("release"))
        #expect(first.wait() == 0)
        #expect(Harness.rotatectl(["lock", "--wait", "5", logs, "--", "true"]).status == 0)
        #expect(Harness.rotatectl(["run", "-s", state, "--wait", "5", config]).status == 0)
        #expect(access(a + ".2", F_OK) == 0, "a not rotated once the first run ended")
        #expect(Self.census(logs, "a.log", "a", 20) == nil)
    }

    @Test func bothRunsKilledMidwayAreFinishedByTheNextRun() throws {
        let t = TempDirectory()
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        let (a, b) = (logs + "/a.log", logs + "/b.log")
        Self.fill(a, "a", 0..<10)
        Self.fill(b, "b", 0..<10)
        let config = Self.config(t, .postrotate)
        let state = t.child("state")
        let first = try startHeld(t, config, state)
        // b's run dies once its journal is written, while a's is held: it leaves `.rotatectl.journal.2`.
        let second = Harness.rotatectl(["run", "-s", t.child("state2"), "--wait", "0", config], environment: ["ROTATECTL_CRASH_AT": "1"])
        #expect(second.status == 137 && second.stderr.contains("journal written"), "\(second.stderr)")
        #expect(access(logs + "/" + OwnFiles.journal + ".2", F_OK) == 0, "b's run left no journal of its own")
        // The first run dies in a's postrotate.
        first.kill()
        _ = first.wait()
        touch(t.child("release"))
        let next = Harness.rotatectl(["run", "-s", state, "--json", config])
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        for name in [OwnFiles.journal, OwnFiles.journal + ".2"] { #expect(access(logs + "/" + name, F_OK) != 0, "\(name) left") }
        #expect(Self.census(logs, "a.log", "a", 10) == nil)
        #expect(Self.census(logs, "b.log", "b", 10) == nil)
        #expect(TestFile.text(state)?.contains(a) == true, "the replayed rotation of a is not recorded")
        #expect(TestFile.text(state)?.contains(b) == true, "the replayed rotation of b is not recorded")
    }

    /// Found by the simulation (compresshold dimension, seeds 1006, 2050 and 42): a renamecopy set that
    /// another run is still finishing was refused by the planner with an error (exit 1: "a.log.tmp
    /// already exists (renamecopy's temporary name); resolve by hand", or "a.log: no such file" before
    /// its writer made it again), where it is busy: exit 3, `journal-in-use`, nothing touched.
    @Test(arguments: [Slow.postrotate, Slow.compress])
    func aRenamecopySetAnotherRunIsFinishingIsBusyNotRefused(_ slow: Slow) throws {
        let t = TempDirectory()
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        let a = logs + "/a.log"
        Self.fill(a, "a", 0..<10)
        let wait = "touch @DIR@/a-started; n=0; while [ ! -e @DIR@/release ] && [ $n -lt 1200 ]; do sleep 0.05; n=$((n+1)); done"
        let held: String
        switch slow {
        case .postrotate:
            held = "postrotate\n        \(wait)\n    endscript"
        case .compress:
            let gz = t.child("slowgz")
            LineAppender.append(gz, "#!/bin/sh\n\(wait.replacingOccurrences(of: "@DIR@", with: t.path))\nexec gzip \"$@\"\n")
            chmod(gz, 0o755)
            held = "compress\n    compresscmd \(gz)"
        }
        let config = t.config("@DIR@/logs/a.log {\n    size 1\n    rotate 3\n    renamecopy\n    \(held)\n}\n")
        let first = try startHeld(t, config, t.child("state"))
        defer { touch(t.child("release")); _ = first.wait() }
        if slow == .compress { Self.fill(a, "a", 10..<11) }   // the writer has made the log again
        let names = Set((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? [])
        let second = Harness.rotatectl(["run", "-s", t.child("state2"), "--wait", "0", "--json", config])
        #expect(second.status == 3, "\(second.stdout)\(second.stderr)")
        #expect(Harness.codes(second).contains("journal-in-use"), "\(second.stdout)")
        #expect(!Harness.codes(second).contains("log-refused"), "\(second.stdout)")
        #expect(Set((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []) == names, "the second run changed the directory")
        touch(t.child("release"))
        #expect(first.wait() == 0)
        #expect(Self.census(logs, "a.log", "a", slow == .compress ? 11 : 10) == nil)
    }

    /// The directory's owner plants a symbolic link at a numbered journal's name, pointing at a file
    /// outside the set, while a run holds the first journal: the next run neither writes through it
    /// nor replays it, its target is untouched, and every line is kept once.
    @Test func aLinkPlantedAtANumberedJournalNameIsNeitherFollowedNorReplayed() throws {
        let t = TempDirectory()
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        let (a, b) = (logs + "/a.log", logs + "/b.log")
        Self.fill(a, "a", 0..<10)
        let victim = t.child("victim")
        LineAppender.append(victim, "victim line\n")
        symlink(victim, logs + "/" + OwnFiles.journal + ".2")
        let config = Self.config(t, .postrotate)
        let first = try startHeld(t, config, t.child("state"))
        defer { touch(t.child("release")); _ = first.wait() }
        Self.fill(b, "b", 0..<10)
        let second = Harness.rotatectl(["run", "-s", t.child("state2"), "--wait", "0", config])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(access(b + ".1", F_OK) == 0, "b not rotated beside a's rotation")
        touch(t.child("release"))
        #expect(first.wait() == 0)
        #expect(Harness.rotatectl(["run", "-s", t.child("state"), config]).status == 0)
        #expect(TestFile.text(victim) == "victim line\n", "the link's target was changed")
        #expect(Self.census(logs, "a.log", "a", 10) == nil)
        #expect(Self.census(logs, "b.log", "b", 10) == nil)
    }
}
