#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

/// The primitives of `System/`: durable creation (`writeDurably`), whole-file reads (`readWholeFile`) and
/// the lock wait loop (`LockWaitLoop`), on real files, with errors forced by `SystemFaults`.
@Suite(.serialized) struct DurableWriteTests {
    static func temporaries(_ t: TempDirectory) -> [String] {
        t.names(recursive: false).filter { $0.hasPrefix(".rotatectl-") }
    }

    @Test func aDurableWriteReplacesTheFileWhole() throws {
        let t = TempDirectory("rotatectl-durable")
        defer { t.remove() }
        t.write("state", "old\n")
        let dir = try t.handle()
        try dir.writeDurably("state", mode: 0o640) { fd, path throws(SystemError) in
            try fd.writeAll(Array("new\n".utf8), path: path)
        }
        #expect(t.read("state") == "new\n")
        #expect(try dir.status("state")?.mode == 0o640)
        #expect(Self.temporaries(t) == [])
    }

    @Test(arguments: [("fsync", Errno.ioError), ("write", Errno.noSpace), ("renameat", Errno.ioError), ("fchmod", Errno.notPermitted)])
    func aFailedDurableWriteLeavesTheOldFileAndNoTemporary(call: String, errno: Errno) throws {
        let t = TempDirectory("rotatectl-durable")
        defer { SystemFaults.reset(); t.remove() }
        t.write("state", "old\n")
        let dir = try t.handle()
        // The temporary's name is random: the rule takes every such call of this thread.
        SystemFaults.force(call, errno)
        var caught: SystemError?
        do throws(SystemError) {
            try dir.writeDurably("state") { fd, path throws(SystemError) in
                try fd.writeAll(Array("new\n".utf8), path: path)
            }
        } catch {
            caught = error
        }
        SystemFaults.reset()
        #expect(caught?.call == call && caught?.errno == errno, "\(String(describing: caught))")
        #expect(caught?.path.hasPrefix(t.path + "/.rotatectl-tmp.") == true)
        #expect(t.read("state") == "old\n")
        #expect(Self.temporaries(t) == [])
    }

    @Test func withoutReplaceAnExistingTargetIsKept() throws {
        let t = TempDirectory("rotatectl-durable")
        defer { t.remove() }
        t.write("app.log.1", "kept\n")
        let dir = try t.handle()
        #expect(throws: SystemError.self) {
            try dir.writeDurably("app.log.1", temporary: .fixed(".rotatectl-tmp.app.log.1"), replace: false) { fd, path throws(SystemError) in
                try fd.writeAll(Array("new\n".utf8), path: path)
            }
        }
        #expect(t.read("app.log.1") == "kept\n")
        #expect(Self.temporaries(t) == [])
    }
}

@Suite struct WholeFileTests {
    @Test func aFileIsReadWholeAndAMissingOneIsNil() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { t.remove() }
        let big = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        t.write("big", big)
        let dir = try t.handle()
        #expect(try dir.readWholeFile("big", limit: 1 << 20)?.bytes == big)
        #expect(try dir.readWholeFile("big", from: 299_990, limit: 1 << 20)?.bytes == Array(big[299_990...]))
        #expect(try dir.readWholeFile("missing", limit: 10) == nil)
        t.write("empty", "")
        #expect(try dir.readWholeFile("empty", limit: 10)?.bytes == [])
    }

    @Test func theLimitRefusesOrTruncates() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { t.remove() }
        t.write("f", "0123456789")
        let dir = try t.handle()
        #expect(try dir.readWholeFile("f", limit: 10)?.bytes.count == 10)
        #expect(throws: SystemError("read", path: t.child("f"), errno: .fileTooLarge)) {
            _ = try dir.readWholeFile("f", limit: 9)
        }
        #expect(try dir.readWholeFile("f", limit: 4, beyondLimit: .truncate)?.bytes == Array("0123".utf8))
    }

    @Test func aFileGrowingPastTheLimitWhileReadIsRefused() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { t.remove() }
        t.write("f", "0123456789")
        let fd = try t.handle().openFile("f", O_RDONLY)
        defer { try? fd.close(path: t.child("f")) }
        // fstat said 10 bytes; the file holds more than the limit by the time it is read.
        #expect(throws: SystemError("read", path: "f", errno: .fileTooLarge)) {
            _ = try fd.readToEnd(limit: 8, sizeHint: 4, path: "f")
        }
    }

    @Test func aFIFOIsNotReadNorWaitedOn() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { t.remove() }
        #expect(mkfifo(t.child("fifo"), 0o600) == 0)
        let file = try #require(try t.handle().readWholeFile("fifo", limit: 10))
        #expect(file.status.kind == .fifo && file.bytes == [])
    }

    @Test func aSymbolicLinkIsNeverFollowed() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { t.remove() }
        t.write("target", "secret")
        #expect(symlink(t.child("target"), t.child("link")) == 0)
        #expect(throws: SystemError("openat", path: t.child("link"), errno: .tooManySymbolicLinkLevels)) {
            _ = try t.handle().readWholeFile("link", limit: 100)
        }
    }

    @Test func procFilesWhoseSizeIsZeroAreReadToTheEnd() throws {
        let file = try DirectoryHandle.readWholeFile(path: "/proc/self/status", limit: 1 << 16)
        #expect(file.status.size == 0)
        #expect(String(decoding: file.bytes, as: UTF8.self).contains("\nPid:\t\(getpid())\n"))
    }

    @Test func aForcedReadErrorReachesTheCaller() throws {
        let t = TempDirectory("rotatectl-whole")
        defer { SystemFaults.reset(); t.remove() }
        t.write("f", "x")
        SystemFaults.force("pread", .ioError, path: t.child("f"))
        #expect(throws: SystemError("pread", path: t.child("f"), errno: .ioError)) {
            _ = try t.handle().readWholeFile("f", limit: 10)
        }
    }
}

@Suite struct LockWaitLoopTests {
    @Test func itTimesOutAfterTheWait() {
        var attempts = 0
        let start = monotonicNow()
        let taken = LockWaitLoop(wait: 0.2, firstPause: 0.01, longestPause: 0.05).run { () -> Bool in
            attempts += 1
            return false
        }
        let waited = monotonicNow() - start
        #expect(!taken)
        #expect(waited >= 0.2 && waited < 10, "\(waited)")
        #expect(attempts >= 2, "tried again while waiting: \(attempts)")
    }

    @Test func itTriesOnceWithoutAWaitAndStopsWhenTaken() {
        var attempts = 0
        #expect(!LockWaitLoop(wait: 0, firstPause: 0.01, longestPause: 0.01).run { () -> Bool in attempts += 1; return false })
        #expect(attempts == 1)
        attempts = 0
        #expect(!LockWaitLoop(wait: .nan, firstPause: 0.01, longestPause: 0.01).run { () -> Bool in attempts += 1; return false })
        #expect(attempts == 1)
        attempts = 0
        var busy: [Double] = []
        #expect(LockWaitLoop(wait: 10, firstPause: 0.001, longestPause: 0.001).run({ () -> Bool in
            attempts += 1
            return attempts == 3
        }, stillBusy: { busy.append($0) }))
        #expect(attempts == 3 && busy.count == 2)
    }

    @Test func anErrorEndsTheLoop() {
        var attempts = 0
        #expect(throws: SystemError("fcntl", path: "x", errno: .noLocks)) {
            try LockWaitLoop(wait: 10, firstPause: 0.001, longestPause: 0.001).run { () throws(SystemError) -> Bool in
                attempts += 1
                throw SystemError("fcntl", path: "x", errno: .noLocks)
            }
        }
        #expect(attempts == 1)
    }

    @Test func aHeldOFDLockIsWaitedForAndTimesOut() throws {
        let t = TempDirectory("rotatectl-lockwait")
        defer { t.remove() }
        let dir = try t.handle()
        let holder = try dir.openFile("lock", O_RDWR | O_CREAT)
        let waiter = try dir.openFile("lock", O_RDWR)
        defer { try? holder.close(path: "lock"); try? waiter.close(path: "lock") }
        #expect(try holder.tryLock(.write, path: "lock"))
        let start = monotonicNow()
        #expect(try !LockWaitLoop(wait: 0.15, firstPause: 0.01, longestPause: 0.05).run { () throws(SystemError) in
            try waiter.tryLock(.write, path: "lock")
        })
        #expect(monotonicNow() - start >= 0.15)
        holder.unlock(path: "lock")
        #expect(try LockWaitLoop(wait: 1, firstPause: 0.01, longestPause: 0.05).run { () throws(SystemError) in
            try waiter.tryLock(.write, path: "lock")
        })
    }
}
