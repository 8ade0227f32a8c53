#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

/// `OpenWriters` against real processes holding a file open.
@Suite struct OpenWritersTests {
    /// `sh -c 'exec 3REDIR"$0"; exec sleep 30' FILE`: a process holding FILE on fd 3.
    func holder(_ redirect: String, _ path: String, seconds: String = "30") throws -> SpawnedProcess {
        let child = try #require(SpawnedProcess.start(["/bin/sh", "-c", "exec 3\(redirect)\"$0\"; exec sleep \(seconds)", path]))
        #expect(eventually { ProcFS.fdFlags(pid: child.pid, fd: 3) != nil && ProcFS.state(child.pid) == "S" })
        return child
    }

    /// A descriptor closed and reused between the look at its link and the read of its flags must not
    /// lend the log another file's flags: a writer that reopens fd 3 in a loop, now the log with
    /// `O_APPEND`, now another file without it, is never seen holding the log without `O_APPEND`
    /// (copytruncate's "not O_APPEND" warning was such a false positive).
    @Test func aReusedDescriptorNeverLendsTheLogAnotherFilesFlags() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        scratch.write("other", "")
        let key = FileKey(try #require(scratch.status("app.log")))
        let flipper = try #require(SpawnedProcess.start(["/bin/sh", "-c", "while :; do exec 3>>\"$0\"; exec 3>\"$1\"; done",
                                                         scratch.child("app.log"), scratch.child("other")]))
        defer { flipper.kill(); flipper.wait() }
        var seen = 0, wrong = 0
        for _ in 0..<1000 {
            for w in OpenWriters.writers(of: [key])[key] ?? [] where w.pid == flipper.pid {
                seen += 1
                if !w.append { wrong += 1 }
            }
        }
        #expect(seen > 0, "the flipping writer was never seen holding the log")
        #expect(wrong == 0, "\(wrong) of \(seen) sightings had another file's flags")
    }

    @Test func findsAWriterButNotAReader() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder(">>", scratch.child("app.log"))
        defer { writer.kill(); writer.wait() }
        let reader = try holder("<", scratch.child("app.log"))
        defer { reader.kill(); reader.wait() }
        #expect(OpenWriters.find(device: key.device, inode: key.inode) == [writer.pid])
        #expect(OpenWriters.snapshot().contains(key))
        #expect(OpenWriters.writers(of: [key])[key] == [OpenWriter(pid: writer.pid, fd: 3, append: true)])
    }

    @Test func seesWritersWithoutAppend() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder("<>", scratch.child("app.log"))
        defer { writer.kill(); writer.wait() }
        #expect(OpenWriters.writers(of: [key])[key] == [OpenWriter(pid: writer.pid, fd: 3, append: false)])
    }

    @Test func findsTheWriterOfARenamedFile() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder(">>", scratch.child("app.log"))
        defer { writer.kill(); writer.wait() }
        #expect(rename(scratch.child("app.log"), scratch.child("app.log.1")) == 0)
        #expect(OpenWriters.find(device: key.device, inode: key.inode) == [writer.pid])
    }

    @Test func readOnlyHoldersAreNotInTheSnapshot() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let reader = try holder("<", scratch.child("app.log"))
        defer { reader.kill(); reader.wait() }
        #expect(!OpenWriters.snapshot().contains(key))
        #expect(OpenWriters.find(device: key.device, inode: key.inode).isEmpty)
    }

    @Test func oneSnapshotSeesManyFilesQuickly() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let script = """
        import os, sys, time
        fds = [os.open(os.path.join(sys.argv[1], "f%d.log" % i), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
               for i in range(300)]
        open(os.path.join(sys.argv[1], "ready"), "w").close()
        time.sleep(30)
        """
        scratch.write("hold.py", script)
        let child = try #require(SpawnedProcess.start([Paths.python, scratch.child("hold.py"), scratch.path]))
        defer { child.kill(); child.wait() }
        try #require(eventually { scratch.exists("ready") })
        let keys = try (0..<300).map { FileKey(try #require(scratch.status("f\($0).log"))) }
        let start = monotonicNow()
        let snapshot = OpenWriters.snapshot()
        let elapsed = monotonicNow() - start
        #expect(keys.allSatisfy { snapshot.contains($0) })
        #expect(elapsed < 2, "a snapshot took \(elapsed) s")
        let writers = OpenWriters.writers(of: Set(keys))
        #expect(writers.count == 300 && writers.values.allSatisfy { $0.count == 1 && $0[0].append && $0[0].pid == child.pid })
    }

    @Test func waitUntilClosedReturnsWhenTheWriterExits() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder(">>", scratch.child("app.log"), seconds: "0.4")
        #expect(!OpenWriters.waitUntilClosed(device: key.device, inode: key.inode, timeout: 0.05))
        // The exited writer stays a zombie until reaped below, but a zombie has no open files.
        let start = monotonicNow()
        #expect(OpenWriters.waitUntilClosed(device: key.device, inode: key.inode, timeout: 5))
        #expect(monotonicNow() - start < 4)
        writer.wait()
    }
}
