#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

/// Errors forced on system calls (`SystemFaults`) reach the caller as the `SystemError` of that call,
/// on the nth matching call or every one, only on the paths asked for, only on the forcing thread unless
/// asked otherwise; a forced EINTR is retried. Every rule here names a path in the test's own temporary
/// directory, so tests running beside these are never touched.
@Suite(.serialized) struct SystemFaultsTests {
    /// A file `name` in a fresh directory, open for writing.
    static func file(_ t: TempDirectory, _ name: String = "f") throws -> (FileDescriptor, String) {
        let dir = try t.handle()
        return (try dir.openFile(name, O_WRONLY | O_CREAT, mode: 0o600), dir.child(name))
    }

    @Test func aForcedErrnoReachesTheCallerWithCallPathAndErrno() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (fd, path) = try Self.file(t)
        defer { try? fd.close(path: path) }
        SystemFaults.force("fsync", .ioError, path: path)
        #expect(throws: SystemError("fsync", path: path, errno: .ioError)) { try fd.sync(path: path) }
        SystemFaults.force("write", .noSpace, path: path)
        #expect(throws: SystemError("write", path: path, errno: .noSpace)) { try fd.writeAll([1, 2, 3], path: path) }
        #expect(try fd.status(path: path).size == 0, "a forced write writes nothing")
        let dir = try t.handle()
        SystemFaults.force("renameat2", .improperLink, path: "/f")
        #expect(throws: SystemError("renameat2", path: path, errno: .improperLink)) {
            try dir.rename("f", to: dir, as: "g")
        }
        #expect(t.exists("f") && !t.exists("g"))
    }

    @Test func theNthMatchingCallFailsAndOnlyIt() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (fd, path) = try Self.file(t)
        defer { try? fd.close(path: path) }
        let forced = SystemFaults.force("fsync", .ioError, occurrence: .nth(2), path: path)
        try fd.sync(path: path)
        #expect(throws: SystemError("fsync", path: path, errno: .ioError)) { try fd.sync(path: path) }
        try fd.sync(path: path)
        #expect(SystemFaults.count(forced) == (matched: 3, fired: 1))
    }

    @Test func aPathSuffixLimitsTheRule() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (a, aPath) = try Self.file(t, "app.log.1")
        let (b, bPath) = try Self.file(t, "app.log.2")
        defer { try? a.close(path: aPath); try? b.close(path: bPath) }
        SystemFaults.force("write", .noSpace, path: t.path + "/app.log.1")
        try b.writeAll([1], path: bPath)
        #expect(throws: SystemError("write", path: aPath, errno: .noSpace)) { try a.writeAll([1], path: aPath) }
    }

    @Test func aCallNamedWithItsFlagsMatchesItsLibcName() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (fd, path) = try Self.file(t)
        defer { try? fd.close(path: path) }
        SystemFaults.force("fcntl", .noLocks, path: path)
        #expect(throws: SystemError("fcntl(F_OFD_SETLK)", path: path, errno: .noLocks)) {
            _ = try fd.tryLock(.write, path: path)
        }
    }

    @Test func aForcedEINTRIsRetriedLikeARealOne() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (fd, path) = try Self.file(t)
        defer { try? fd.close(path: path) }
        let forced = SystemFaults.force("write", .interrupted, path: path)
        try fd.writeAll(Array("line\n".utf8), path: path)
        try fd.writeAll(Array("more\n".utf8), path: path)
        #expect(SystemFaults.count(forced) == (matched: 2, fired: 2), "each write was interrupted once")
        #expect(t.read("f") == "line\nmore\n", "and then made")
    }

    @Test func aRuleAppliesToTheForcingThreadUnlessAskedOtherwise() throws {
        let t = TempDirectory("rotatectl-faults")
        defer { SystemFaults.reset(); t.remove() }
        let (fd, path) = try Self.file(t)
        defer { try? fd.close(path: path) }
        let raw = fd.rawValue
        func syncOnAnotherThread() throws -> SystemError? {
            let result = Mutex<SystemError?>(nil)
            try WorkerThread.start {
                do throws(SystemError) { try FileDescriptor(rawValue: raw).sync(path: path) } catch {
                    result.withLock { $0 = error }
                }
            }.join()
            return result.withLock { $0 }
        }
        SystemFaults.force("fsync", .ioError, path: path)
        #expect(try syncOnAnotherThread() == nil)
        SystemFaults.reset()
        SystemFaults.force("fsync", .ioError, path: path, scope: .anyThread)
        #expect(try syncOnAnotherThread() == SystemError("fsync", path: path, errno: .ioError))
        SystemFaults.reset()
        try fd.sync(path: path)
    }

    @Test func seteuidCanBeForcedToFailAndLeavesRootsIds() throws {
        guard getuid() == 0 else { return }
        defer { SystemFaults.reset() }
        // gid 0: the setegid that precedes the failing seteuid changes nothing other threads could see.
        SystemFaults.force("seteuid", .notPermitted, occurrence: .nth(1))
        #expect(throws: SystemError("seteuid", path: "uid 65534", errno: .notPermitted)) {
            try Privileges(uid: 65534, gid: 0).assume()
        }
        #expect(geteuid() == 0 && getegid() == 0)
    }

    @Test func environmentRulesAreParsed() {
        let parsed = SystemFaults.parse("fsync:EIO:2,renameat2:EXDEV:*,write:ENOSPC:1:app.log.1,openat:EACCES:1:a:b")
        #expect(parsed.problems == [])
        #expect(parsed.rules == [
            .init("fsync", .ioError, occurrence: .nth(2)),
            .init("renameat2", .improperLink, occurrence: .every),
            .init("write", .noSpace, occurrence: .nth(1), pathSuffix: "app.log.1"),
            .init("openat", .permissionDenied, occurrence: .nth(1), pathSuffix: "a:b"),
        ])
        #expect(parsed.rules.map(\.description) == ["fsync:EIO:2", "renameat2:EXDEV:*", "write:ENOSPC:1:app.log.1", "openat:EACCES:1:a:b"])
        #expect(SystemFaults.parse("fsync:EINTR:*").rules == [.init("fsync", .interrupted)])
    }

    @Test func badEnvironmentRulesAreReportedAndLeftOut() {
        let parsed = SystemFaults.parse("fsync:EFOO:1,fsync:EIO:0,fsync:EIO,:EIO:1,write:ENOSPC:x,syncfs:EIO:3")
        #expect(parsed.rules == [.init("syncfs", .ioError, occurrence: .nth(3))])
        #expect(parsed.problems.count == 5)
        #expect(parsed.problems[0].contains("unknown errno EFOO"))
        #expect(parsed.problems[1].contains("neither a positive number nor *"))
    }

    @Test func errnoNamesAreThoseOfErrno3() {
        for name in ["EIO", "ENOSPC", "EXDEV", "EPERM", "EACCES", "ENOENT", "EEXIST", "EBUSY", "EAGAIN", "EINTR",
                     "EROFS", "EDQUOT", "ENOTDIR", "EISDIR", "EMFILE"] {
            let errno = SystemFaults.errno(named: name)
            #expect(errno != nil, "\(name)")
            if name != "EAGAIN", let errno { #expect(SystemFaults.errnoName(errno) == name) }
        }
        #expect(SystemFaults.errno(named: "5") == .ioError)
        #expect(SystemFaults.errno(named: "EIO ") == nil)
    }
}
