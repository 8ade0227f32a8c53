#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine

/// `OpenWriters` against real processes holding a file open.
@Suite struct OpenWritersTests {
    /// `sh -c 'exec 3REDIR"$0"; exec sleep 30' FILE`: a process holding FILE on fd 3.
    func holder(_ redirect: String, _ path: String, seconds: String = "30") throws -> Child {
        let child = try #require(Child.start(["/bin/sh", "-c", "exec 3\(redirect)\"$0\"; exec sleep \(seconds)", path]))
        #expect(eventually { ProcFS.fdFlags(pid: child.pid, fd: 3) != nil && ProcFS.state(child.pid) == "S" })
        return child
    }

    @Test func findsAWriterButNotAReader() throws {
        let scratch = Scratch()
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
        let scratch = Scratch()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder("<>", scratch.child("app.log"))
        defer { writer.kill(); writer.wait() }
        #expect(OpenWriters.writers(of: [key])[key] == [OpenWriter(pid: writer.pid, fd: 3, append: false)])
    }

    @Test func findsTheWriterOfARenamedFile() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let writer = try holder(">>", scratch.child("app.log"))
        defer { writer.kill(); writer.wait() }
        #expect(rename(scratch.child("app.log"), scratch.child("app.log.1")) == 0)
        #expect(OpenWriters.find(device: key.device, inode: key.inode) == [writer.pid])
    }

    @Test func readOnlyHoldersAreNotInTheSnapshot() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        scratch.write("app.log", "x\n")
        let key = FileKey(try #require(scratch.status("app.log")))
        let reader = try holder("<", scratch.child("app.log"))
        defer { reader.kill(); reader.wait() }
        #expect(!OpenWriters.snapshot().contains(key))
        #expect(OpenWriters.find(device: key.device, inode: key.inode).isEmpty)
    }

    @Test func waitUntilClosedReturnsWhenTheWriterExits() throws {
        let scratch = Scratch()
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
