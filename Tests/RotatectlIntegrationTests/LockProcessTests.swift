#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

/// The directory lock against other processes: a Python child taking the same OFD lock
/// (`fcntl(F_OFD_SETLK)`, 37 on Linux) and writing the holder line as rotatectl does.
@Suite struct LockProcessTests {
    static let holderScript = """
    import fcntl, os, struct, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.fcntl(fd, 37, struct.pack("=hh4xqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
    except OSError:
        sys.exit(3)
    if sys.argv[2] == "hold":
        os.ftruncate(fd, 0)
        os.pwrite(fd, b"%d %d\\n" % (os.getpid(), int(time.time()) - 7), 0)
        open(sys.argv[3], "w").write("ready")
        time.sleep(30)
    """

    func startHolder(_ scratch: TempDirectory) throws -> SpawnedProcess {
        scratch.write("holder.py", Self.holderScript)
        let child = try #require(SpawnedProcess.start([Paths.python, scratch.child("holder.py"),
                                              scratch.child(DirectoryLock.fileName), "hold", scratch.child("ready")]))
        #expect(eventually { scratch.exists("ready") })
        return child
    }

    @Test func lockHeldByAnotherProcessIsBusyWithItsPid() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try startHolder(scratch)
        defer { holder.kill(); holder.wait() }
        let dir = try scratch.handle()
        do {
            _ = try DirectoryLock.acquire(dir, wait: 0.2, logger: nil)
            Issue.record("acquired a lock another process holds")
        } catch {
            guard case .busy(_, let pid, let since) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(pid == holder.pid)
            let age = Int64(wallClockNow()) - (since ?? 0)
            #expect(age >= 6 && age < 60)
        }
    }

    @Test func waitingProceedsWhenTheOtherProcessDies() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try startHolder(scratch)
        let killer = BackgroundThread { sleepSeconds(0.3); holder.kill(); holder.wait() }
        let start = monotonicNow()
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 10, logger: nil)
        #expect(monotonicNow() - start >= 0.25)
        #expect(lock.isHeld)
        killer.join()
        let fields = (scratch.read(DirectoryLock.fileName) ?? "").split(separator: " ")
        #expect(fields.first.flatMap { Int32($0) } == getpid())
    }

    @Test func ourLockKeepsOtherProcessesOut() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("holder.py", Self.holderScript)
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        let tryLock = [Paths.python, scratch.child("holder.py"), scratch.child(DirectoryLock.fileName), "try"]
        #expect(SpawnedProcess.run(tryLock) == 3)
        lock.release()
        #expect(SpawnedProcess.run(tryLock) == 0)
    }

    @Test func lockIsNotInheritedByChildScripts() throws {
        // The lock descriptor is O_CLOEXEC: a script started while holding it cannot keep the lock
        // alive after rotatectl exits.
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        defer { lock.release() }
        let child = try #require(SpawnedProcess.start(["/bin/sleep", "5"]))
        defer { child.kill(); child.wait() }
        let status = try #require(scratch.status(DirectoryLock.fileName))
        #expect(eventually { ProcFS.state(child.pid) == "S" })
        let held = OpenWriters.writers(of: [FileKey(status)])[FileKey(status)] ?? []
        #expect(!held.contains { $0.pid == child.pid })
    }
}
