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

/// Issue 16, point 6: a pid file a non-root user could write is only trusted for a process that user
/// could signal itself, and never through a link.
@Suite struct PidFileTrustTests {
    static let file = FileStatus(mode: 0o644, uid: 1000, gid: 1000)
    static let rootDir = FileStatus(kind: .directory, mode: 0o755, uid: 0, gid: 0)

    @Test func aUsersPidFileIsTrustedOnlyForThatUsersProcess() {
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: (1000, 1000), logOwners: nil) == nil)
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: (1000, 0), logOwners: nil) == nil, "kill(2) accepts a real uid match")
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: (0, 0), logOwners: nil) == "the pid file belongs to uid 1000, the process to uid 0")
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: nil, logOwners: nil) != nil)
    }

    @Test func aRootPidFileInAUsersDirectoryIsTheUsers() {
        let root = FileStatus(mode: 0o644, uid: 0, gid: 0)
        let userDir = FileStatus(kind: .directory, mode: 0o755, uid: 1000, gid: 1000)
        #expect(PidFile.distrust(root, in: userDir, dirPath: "/logs", pid: 42, processUids: (0, 0), logOwners: nil)
                == "its directory /logs belongs to uid 1000, the process to uid 0")
        #expect(PidFile.distrust(root, in: userDir, dirPath: "/logs", pid: 42, processUids: (1000, 1000), logOwners: nil) == nil)
        #expect(PidFile.distrust(root, in: Self.rootDir, dirPath: "/run", pid: 42, processUids: (0, 0), logOwners: nil) == nil)
    }

    @Test(arguments: [(0o777, 0), (0o775, 1000), (0o757, 0)])
    func aDirectoryOthersCanWriteIsNotTrusted(mode: Int, gid: Int) {
        let dir = FileStatus(kind: .directory, mode: UInt32(mode), uid: 0, gid: UInt32(gid))
        let root = FileStatus(mode: 0o644, uid: 0, gid: 0)
        #expect(PidFile.distrust(root, in: dir, dirPath: "/d", pid: 42, processUids: (0, 0), logOwners: nil) != nil)
        let sticky = FileStatus(kind: .directory, mode: UInt32(mode) | 0o1000, uid: 0, gid: UInt32(gid))
        #expect(PidFile.distrust(root, in: sticky, dirPath: "/d", pid: 42, processUids: (0, 0), logOwners: nil) == nil)
    }

    @Test func aWriterWhoOwnsNoLogIsRefused() {
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: (1000, 1000), logOwners: [2000])
                == "the pid file belongs to uid 1000, neither root nor an owner of the logs")
        #expect(PidFile.distrust(Self.file, in: Self.rootDir, dirPath: "/run", pid: 42,
                                 processUids: (1000, 1000), logOwners: [1000]) == nil)
    }

    @Test func aSymbolicLinkIsNeverFollowed() {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("real.pid", "\(getpid())\n")
        symlink(scratch.child("real.pid"), scratch.child("app.pid"))
        guard case .unreadable(let why) = PidFile.read(scratch.child("app.pid")) else {
            Issue.record("a pid file was read through a link")
            return
        }
        #expect(why.contains("symbolic link"))
    }
}
