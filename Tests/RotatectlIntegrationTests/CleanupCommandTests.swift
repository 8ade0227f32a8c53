import Foundation
import Testing
import TestSupport

/// `rotatectl cleanup [--remove]`: rotatectl's own files in the directories a configuration names, for
/// rolling back (issue 19, section 2). Never a live run's lock, never a journal, never through a link.
@Suite(.serialized) struct CleanupCommandTests {
    /// Two log directories and an olddir, rotated once by force so each has a lock file and a reserve.
    static func rotated(_ t: TempDirectory) throws -> String {
        for dir in ["one", "two", "two/old"] { try FileManager.default.createDirectory(atPath: t.child(dir), withIntermediateDirectories: true) }
        _ = t.write("one/a.log", "a\n")
        _ = t.write("two/b.log", "b\n")
        _ = t.write("two/keep.txt", "not a log\n")
        let conf = t.write("c.conf", """
            \(t.child("one"))/*.log {
              rotate 2
            }
            \(t.child("two"))/b.log {
              rotate 2
              olddir old
            }

            """)
        let run = Harness.rotatectl(["run", "-f", "-s", t.child("state"), conf])
        #expect(run.status == 0, "\(run.stderr)")
        return conf
    }

    static func own(_ t: TempDirectory) -> [String] {
        t.names().filter { $0.split(separator: "/").last?.hasPrefix(".rotatectl.") == true }.sorted()
    }

    @Test func listsThenRemovesExactlyRotatectlsFiles() throws {
        let t = TempDirectory("rotatectl-cleanup")
        defer { t.remove() }
        let conf = try Self.rotated(t)
        let found = Self.own(t)
        #expect(found.contains("one/.rotatectl.lock") && found.contains("two/.rotatectl.lock"), "\(found)")
        let before = t.names()
        let list = Harness.rotatectl(["cleanup", conf])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.split(separator: "\n").map(String.init).sorted() == found.map { t.child($0) })
        #expect(t.names() == before)
        let removed = Harness.rotatectl(["cleanup", "--remove", conf])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.split(separator: "\n").map(String.init).sorted() == found.map { "removed " + t.child($0) })
        // Everything else is as it was: the logs, their generations, the other file, the state.
        #expect(t.names() == before.filter { !found.contains($0) })
        #expect(Harness.rotatectl(["cleanup", conf]).stdout == "")
    }

    @Test func leavesADirectoryWithAJournalAlone() throws {
        let t = TempDirectory("rotatectl-cleanup")
        defer { t.remove() }
        let conf = try Self.rotated(t)
        _ = t.write("one/.rotatectl.journal", "unfinished\n")
        let before = t.names()
        let result = Harness.rotatectl(["cleanup", "--remove", conf])
        #expect(result.status == 1)
        #expect(result.stderr.contains(t.child("one/.rotatectl.journal")), "\(result.stderr)")
        #expect(!t.exists("two/.rotatectl.lock"))
        #expect(t.exists("one/.rotatectl.lock") && t.exists("one/.rotatectl.journal"))
        #expect(t.names() == before.filter { !$0.hasPrefix("two/.rotatectl.") && !$0.hasPrefix("two/old/.rotatectl.") })
    }

    @Test func neverRemovesALockALiveRunHolds() throws {
        let t = TempDirectory("rotatectl-cleanup")
        defer { t.remove() }
        let conf = try Self.rotated(t)
        let ready = t.child("ready")
        guard let holder = SpawnedProcess.start([PackagePaths.rotatectl, "lock", t.child("one"), "--", "/bin/sh", "-c",
                                                 "touch \(ready); sleep 30"]) else {
            Issue.record("could not start rotatectl lock")
            return
        }
        defer { holder.kill(SIGTERM); _ = holder.wait() }
        #expect(eventually { t.exists("ready") })
        let result = Harness.rotatectl(["cleanup", "--remove", conf])
        #expect(result.status == 1)
        #expect(result.stderr.contains(t.child("one")) && result.stderr.contains("in use"), "\(result.stderr)")
        #expect(t.exists("one/.rotatectl.lock"))
        #expect(!t.exists("two/.rotatectl.lock"))
    }

    @Test func neverFollowsALink() throws {
        let t = TempDirectory("rotatectl-cleanup")
        defer { t.remove() }
        let conf = try Self.rotated(t)
        let target = t.write("elsewhere", "someone's file\n")
        #expect(unlink(t.child("one/.rotatectl.reserve")) == 0 || !t.exists("one/.rotatectl.reserve"))
        try FileManager.default.createSymbolicLink(atPath: t.child("one/.rotatectl.reserve"), withDestinationPath: target)
        let result = Harness.rotatectl(["cleanup", "--remove", conf])
        #expect(result.status == 1)
        #expect(result.stderr.contains(t.child("one/.rotatectl.reserve")) && result.stderr.contains("left alone"), "\(result.stderr)")
        #expect(t.read("elsewhere") == "someone's file\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: t.child("one/.rotatectl.reserve"))) == target)
        #expect(!t.exists("one/.rotatectl.lock"))
    }
}
