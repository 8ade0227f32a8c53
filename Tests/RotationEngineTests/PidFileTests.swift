#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct PidFileTests {
    /// Sets the modification time of `path` to `epoch` seconds with `futimens`.
    func setModified(_ path: String, _ epoch: Double) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let seconds = Int(epoch)
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        try #require(futimens(fd, &times) == 0)
    }

    @Test func ownPidWrittenNowIsLive() {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "\(getpid())\n")
        #expect(PidFile.read(scratch.child("app.pid")) == .live(getpid()))
    }

    @Test func relativeToADirectory() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "  \(getpid())  \nsecond line\n")
        #expect(PidFile.read("app.pid", relativeTo: try scratch.handle()) == .live(getpid()))
    }

    @Test func missingFile() {
        #expect(PidFile.read("/tmp/rotatectl-no-such-dir/none.pid") == .missing)
    }

    @Test(arguments: ["", "\n", "  \n\n "])
    func emptyFile(text: String) {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", text)
        #expect(PidFile.read(scratch.child("app.pid")) == .empty)
    }

    @Test(arguments: ["abc", "12abc", "0", "1", "-5", "+7", "99999999999", "1 2"])
    func garbledOrRefusedPid(text: String) {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", text + "\n")
        guard case .garbled = PidFile.read(scratch.child("app.pid")) else {
            Issue.record("\(text) was not refused")
            return
        }
    }

    @Test func exitedProcessIsStale() throws {
        let child = try #require(SpawnedProcess.start(["/bin/true"]))
        child.wait()
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "\(child.pid)\n")
        #expect(PidFile.read(scratch.child("app.pid")) == .stale(child.pid, reason: "no such process"))
    }

    @Test func zombieIsStale() throws {
        let child = try #require(SpawnedProcess.start(["/bin/true"]))
        defer { child.wait() }
        #expect(eventually { ProcFS.state(child.pid) == "Z" })
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "\(child.pid)\n")
        #expect(PidFile.read(scratch.child("app.pid")) == .stale(child.pid, reason: "the process has exited"))
    }

    @Test func pidFileOlderThanTheProcessMeansReusedPid() throws {
        let child = try #require(SpawnedProcess.start(["/bin/sleep", "5"]))
        defer { child.kill(); child.wait() }
        let started = try #require(ProcFS.startTime(child.pid))
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "\(child.pid)\n")
        #expect(PidFile.read(scratch.child("app.pid")) == .live(child.pid))
        try setModified(scratch.child("app.pid"), started - 3600)
        guard case .stale(let pid, let reason) = PidFile.read(scratch.child("app.pid")) else {
            Issue.record("a pid file written before its process started was taken as live")
            return
        }
        #expect(pid == child.pid)
        #expect(reason.hasPrefix("pid reused"))
    }

    @Test func startTimeOfAFreshChildIsNow() throws {
        let child = try #require(SpawnedProcess.start(["/bin/sleep", "5"]))
        defer { child.kill(); child.wait() }
        let started = try #require(ProcFS.startTime(child.pid))
        #expect(abs(started - wallClockNow()) < 3)
    }

    @Test func pidFileOthersCouldWriteIsUntrustedForRoot() throws {
        try #require(geteuid() == 0, "these checks apply to root")
        let child = try #require(SpawnedProcess.start(["/bin/sleep", "5"]))   // runs as root
        defer { child.kill(); child.wait() }
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.pid", "\(child.pid)\n")
        #expect(PidFile.read(scratch.child("app.pid")) == .live(child.pid))
        try #require(chmod(scratch.child("app.pid"), 0o666) == 0)
        guard case .untrusted(child.pid, _) = PidFile.read(scratch.child("app.pid")) else {
            Issue.record("a world-writable pid file was trusted")
            return
        }
        try #require(chmod(scratch.child("app.pid"), 0o644) == 0)
        try #require(chown(scratch.child("app.pid"), 4321, 4321) == 0)
        #expect(PidFile.read(scratch.child("app.pid"))
                == .untrusted(child.pid, reason: "the pid file belongs to uid 4321, the process to uid 0"))
    }

    @Test func fifoIsUnreadableWithoutBlocking() {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        mkfifo(scratch.child("app.pid"), 0o600)
        guard case .unreadable = PidFile.read(scratch.child("app.pid")) else {
            Issue.record("a FIFO was read as a pid file")
            return
        }
    }
}
