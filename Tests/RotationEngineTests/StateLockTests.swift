import Dispatch
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct StateLockTests {
    @Test func concurrentUpdatesFromTwoThreadsLoseNoEntries() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for i in 0..<100 {
                do {
                    try StateStore.update(path: path) { entries in
                        entries["/var/log/worker\(worker)/\(i).log"] = Int64(i)
                    }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        #expect(failures.all == [])
        let loaded = StateStore.load(path: path)
        #expect(loaded.warnings == [])
        #expect(loaded.entries.count == 200)
        #expect(dir.names(recursive: false) == ["state", "state.lock"])
    }

    @Test func concurrentUpdatesFromTwoProcessesLoseNoEntries() throws {
        // The other process is python3 taking the same OFD lock on STATE.lock, as a second rotatectl would.
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        // The child takes an OFD write lock on state.lock, writes a marker, holds it briefly and exits.
        let script = """
        import fcntl, os, struct, sys, time
        fd = os.open(sys.argv[1] + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        F_OFD_SETLKW = 38
        fcntl.fcntl(fd, F_OFD_SETLKW, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
        open(sys.argv[1] + ".held", "w").close()
        time.sleep(0.5)
        t = time.localtime(1700000007)
        with open(sys.argv[1], "a") as f:
            f.write('"/from/child" %d-%d-%d-%d:%d:%d\\n' % tuple(t[:6]))
        os.close(fd)
        """
        try StateStore.save(["/from/parent/before": 1], path: path)
        let child = try #require(SpawnedProcess.start(["/usr/bin/python3", "-c", script, path]))
        #expect(eventually { FileManager.default.fileExists(atPath: path + ".held") })
        // While the child holds the lock, a short wait times out...
        #expect(throws: StateError.lockTimeout(path: path + ".lock", seconds: 0.05)) {
            try StateStore.update(path: path, timeout: 0.05) { $0["/never"] = 1 }
        }
        // ...and a patient update waits for it and sees the child's entry.
        try StateStore.update(path: path, timeout: 10) { $0["/from/parent/after"] = 2 }
        #expect(child.wait() == 0)
        #expect(StateStore.load(path: path).entries == ["/from/parent/before": 1, "/from/child": 1_700_000_007, "/from/parent/after": 2])
    }

    @Test func aHeldLockTimesOutAndIsFreeAfterRelease() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        let held = try StateLock.acquire(statePath: path)
        #expect(held.path == path + ".lock")
        #expect(throws: StateError.lockTimeout(path: path + ".lock", seconds: 0.05)) {
            _ = try StateLock.acquire(statePath: path, timeout: 0.05)
        }
        held.release()
        let again = try StateLock.acquire(statePath: path, timeout: 0)
        again.release()
        #expect(dir.mode("state.lock") == 0o600)
    }

    @Test func lockCreatesAMissingPrivateDirectory() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let lock = try StateLock.acquire(statePath: dir.child("var/lib/rotatectl/state"))
        lock.release()
        #expect(dir.mode("var/lib/rotatectl") == 0o700)
        #expect(dir.names(recursive: false) == ["var"])
    }

    @Test func asRootADirectoryWritableByOthersIsRefused() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.child("open"), withIntermediateDirectories: false)
        #expect(chmod(dir.child("open"), 0o777) == 0)
        try FileManager.default.createDirectory(atPath: dir.child("sticky"), withIntermediateDirectories: false)
        #expect(chmod(dir.child("sticky"), 0o1777) == 0)
        if geteuid() == 0 {
            #expect(throws: StateError.insecureDirectory(path: dir.child("open"), reason: "directory is writable by group or others")) {
                _ = try StateLock.acquire(statePath: dir.child("open/state"))
            }
        } else {
            let lock = try StateLock.acquire(statePath: dir.child("open/state"))
            lock.release()
        }
        // A sticky directory such as /tmp is fine.
        let lock = try StateLock.acquire(statePath: dir.child("sticky/state"))
        lock.release()
    }

    @Test func aLockFileThatIsASymlinkIsRefused() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        dir.write("elsewhere", [])
        try FileManager.default.createSymbolicLink(atPath: dir.child("state.lock"), withDestinationPath: dir.child("elsewhere"))
        #expect(throws: SystemError.self) { _ = try StateLock.acquire(statePath: dir.child("state")) }
    }
}

/// Errors collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
