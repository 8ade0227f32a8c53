#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Logging
import Synchronization
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct DirectoryLockTests {
    /// Holds an OFD lock on DIR/.rotatectl.lock through a second open file description of this process,
    /// as another run would; writes `content` as the holder line.
    final class RawHolder {
        let fd: Int32
        init?(_ dir: TempDirectory, content: String) {
            let fd = open(dir.child(DirectoryLock.fileName), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0, rotatectl_ofd_setlk(fd, Int16(F_WRLCK), 0) == 0 else { return nil }
            _ = content.utf8CString.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count - 1, 0) }
            self.fd = fd
        }
        func release() { close(fd) }
    }

    @Test func acquireCreatesPrivateLockFileWithHolderLine() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        let status = try #require(try scratch.handle().status(DirectoryLock.fileName))
        #expect(status.kind == .regular)
        #expect(status.mode == 0o600)
        let fields = (scratch.read(DirectoryLock.fileName) ?? "").split(separator: " ")
        #expect(fields.count == 2)
        #expect(fields.first.flatMap { Int32($0) } == getpid())
        let since = Int64(fields.last?.dropLast() ?? "") ?? 0
        #expect(abs(since - Int64(wallClockNow())) < 5)
        lock.release()
        #expect(!lock.isHeld)
        #expect((scratch.read(DirectoryLock.fileName) ?? "").isEmpty)
        #expect(try scratch.handle().status(DirectoryLock.fileName) != nil)   // never removed
    }

    @Test func anotherOpenFileDescriptionHoldingItMakesItBusy() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try #require(RawHolder(scratch, content: "4242 1700000000\n"))
        defer { holder.release() }
        #expect(throws: LockError.busy(path: scratch.child(DirectoryLock.fileName), holderPid: 4242, heldSince: 1700000000)) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
    }

    @Test func busyWithUnreadableHolderLineHasNoPid() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try #require(RawHolder(scratch, content: "garbage"))
        defer { holder.release() }
        #expect(throws: LockError.busy(path: scratch.child(DirectoryLock.fileName), holderPid: nil, heldSince: nil)) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
    }

    @Test func waitingTimesOutAfterTheGivenTime() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try #require(RawHolder(scratch, content: "4242 1700000000\n"))
        defer { holder.release() }
        let start = monotonicNow()
        #expect(throws: LockError.self) { try DirectoryLock.acquire(try scratch.handle(), wait: 0.3, logger: nil) }
        let waited = monotonicNow() - start
        #expect(waited >= 0.3 && waited < 2)
    }

    @Test func waitingProceedsWhenTheHolderLetsGo() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let holder = try #require(RawHolder(scratch, content: "4242 1700000000\n"))
        let fd = holder.fd
        let releaser = BackgroundThread { sleepSeconds(0.25); close(fd) }
        let start = monotonicNow()
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 60, logger: nil)
        #expect(monotonicNow() - start >= 0.2)
        #expect(lock.isHeld)
        releaser.join()
    }

    @Test func waitingLogsWhoHoldsTheLockAndForHowLong() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let since = Int64(wallClockNow()) - 30
        let holder = try #require(RawHolder(scratch, content: "4242 \(since)\n"))
        defer { holder.release() }
        let captured = CapturedLog()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(log: captured) }
        #expect(throws: LockError.self) { try DirectoryLock.acquire(try scratch.handle(), wait: 0.1, logger: logger) }
        let messages = captured.messages
        #expect(messages.count == 1)
        let message = messages.first ?? ""
        #expect(message.hasPrefix("info waiting for lock \(scratch.child(DirectoryLock.fileName)) held by pid 4242 for "))
        #expect(message.hasSuffix(" s"))
    }

    @Test func secondAcquireInTheSameProcessIsNested() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        let start = monotonicNow()
        #expect(throws: LockError.nested(path: scratch.child(DirectoryLock.fileName))) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 5, logger: nil)
        }
        #expect(monotonicNow() - start < 1)
        lock.release()
        let again = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        #expect(again.isHeld)
    }

    @Test func inheritedLockedDirsMakeItNestedAtOnce() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let status = try scratch.handle().status()
        let inherited = "1:2:\(status.device):\(status.inode)"
        #expect(throws: LockError.nested(path: scratch.child(DirectoryLock.fileName))) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 5, logger: nil, inherited: inherited)
        }
        let other = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil, inherited: "1:2:garbage")
        #expect(other.isHeld)
    }

    @Test func heldEnvironmentNamesHeldAndInheritedDirectories() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let status = try scratch.handle().status()
        let lock = try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        let value = DirectoryLock.heldEnvironment(inherited: "7:8")["ROTATECTL_LOCKED_DIRS"] ?? ""
        let keys = LockedDirectories.parse(value)
        #expect(keys.contains(FileKey(device: status.device, inode: status.inode)))
        #expect(keys.contains(FileKey(device: 7, inode: 8)))
        lock.release()
        let after = LockedDirectories.parse(DirectoryLock.heldEnvironment(inherited: nil)["ROTATECTL_LOCKED_DIRS"])
        #expect(!after.contains(FileKey(device: status.device, inode: status.inode)))
    }

    @Test func parsesAndFormatsLockedDirs() {
        #expect(LockedDirectories.parse("1:2:3:4") == [FileKey(device: 1, inode: 2), FileKey(device: 3, inode: 4)])
        #expect(LockedDirectories.parse("1:2:3") == [FileKey(device: 1, inode: 2)])
        #expect(LockedDirectories.parse("x:2::") == [])
        #expect(LockedDirectories.parse(nil) == [])
        #expect(LockedDirectories.format([FileKey(device: 3, inode: 4), FileKey(device: 1, inode: 2)]) == "1:2:3:4")
    }

    @Test func symbolicLinkIsRefused() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("target", "x")
        symlink(scratch.child("target"), scratch.child(DirectoryLock.fileName))
        #expect(throws: LockError.hostile(path: scratch.child(DirectoryLock.fileName), reason: "it is a symbolic link")) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
        #expect(scratch.read("target") == "x")
    }

    @Test func danglingSymbolicLinkIsRefusedAndNothingCreated() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        symlink(scratch.child("nowhere"), scratch.child(DirectoryLock.fileName))
        #expect(throws: LockError.self) { try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil) }
        #expect(try scratch.handle().status("nowhere") == nil)
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        mkfifo(scratch.child(DirectoryLock.fileName), 0o600)
        #expect(throws: LockError.hostile(path: scratch.child(DirectoryLock.fileName), reason: "it is a FIFO")) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
    }

    @Test func directoryIsRefused() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        mkdir(scratch.child(DirectoryLock.fileName), 0o700)
        #expect(throws: LockError.hostile(path: scratch.child(DirectoryLock.fileName), reason: "it is a directory")) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
    }

    @Test func hardLinkIsRefusedAndLeftUnwritten() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("precious", "keep me")
        link(scratch.child("precious"), scratch.child(DirectoryLock.fileName))
        #expect(throws: LockError.hostile(path: scratch.child(DirectoryLock.fileName), reason: "it has 2 hard links")) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
        #expect(scratch.read("precious") == "keep me")
    }

    @Test func fileOfAnotherOwnerIsRefused() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write(DirectoryLock.fileName, "")
        let other: uid_t = geteuid() == 4321 ? 4322 : 4321
        try #require(chown(scratch.child(DirectoryLock.fileName), other, getegid()) == 0)
        #expect(throws: LockError.hostile(path: scratch.child(DirectoryLock.fileName),
                                          reason: "it is owned by uid \(other), not by us (uid \(geteuid()))")) {
            try DirectoryLock.acquire(try scratch.handle(), wait: 0, logger: nil)
        }
    }

    @Test func acquireAllLocksEachDirectoryOnceInGlobalOrder() throws {
        let a = TempDirectory(), b = TempDirectory()
        defer { a.remove(); b.remove() }
        let locks = try DirectoryLock.acquireAll([try b.handle(), try a.handle(), try b.handle()], wait: 0, logger: nil)
        #expect(locks.count == 2)
        #expect(locks[0].key < locks[1].key)
        #expect(Set(locks.map(\.path)) == [a.child(DirectoryLock.fileName), b.child(DirectoryLock.fileName)])
    }

    @Test func acquireAllReleasesWhatItTookWhenOneIsBusy() throws {
        let a = TempDirectory(), b = TempDirectory()
        defer { a.remove(); b.remove() }
        let holder = try #require(RawHolder(b, content: "4242 1700000000\n"))
        defer { holder.release() }
        #expect(throws: LockError.self) {
            try DirectoryLock.acquireAll([try a.handle(), try b.handle()], wait: 0.1, logger: nil)
        }
        let lock = try DirectoryLock.acquire(try a.handle(), wait: 0, logger: nil)
        #expect(lock.isHeld)
    }

    @Test func holderLineParsing() {
        #expect(LockHolder.parse("123 456\n") == LockHolder(pid: 123, since: 456))
        #expect(LockHolder.parse("123\n") == LockHolder(pid: 123, since: nil))
        #expect(LockHolder.parse("") == LockHolder(pid: nil, since: nil))
        #expect(LockHolder.parse("-5 456") == LockHolder(pid: nil, since: nil))
        #expect(LockHolder.parse("abc 456") == LockHolder(pid: nil, since: nil))
    }

    @Test func errorsDescribeThemselves() {
        #expect(LockError.busy(path: "/d/.rotatectl.lock", holderPid: 12, heldSince: 34).description
                .hasPrefix("/d/.rotatectl.lock: locked by another rotatectl run (pid 12, held for "))
        #expect(LockError.hostile(path: "/d/.rotatectl.lock", reason: "it is a FIFO").description
                == "/d/.rotatectl.lock: refusing lock file: it is a FIFO")
    }
}

/// Log lines kept in memory, as "LEVEL MESSAGE".
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var messages: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let line = event.level.rawValue + " " + event.message.description
        log.append(line)
    }
}
