#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

/// The inotify wrapper on a real directory: one watch per directory reports its names; a full watch
/// table (ENOSPC, forced) is the `SystemError` of `inotify_add_watch` on that path.
@Suite(.serialized) struct InotifyTests {
    @Test func aWatchedDirectoryReportsWritesCreationsAndRenamesByName() throws {
        let t = TempDirectory("rotatectl-inotify")
        defer { t.remove() }
        let inotify = try Inotify()
        let wd = try inotify.addWatch(t.path, mask: .logDirectory)
        #expect(try inotify.addWatch(t.path, mask: .logDirectory) == wd)
        t.write("app.log", "one\n")
        #expect(rename(t.child("app.log"), t.child("app.log.1")) == 0)
        mkdir(t.child("sub"), 0o755)
        var events: [InotifyEvent] = []
        #expect(eventually(timeout: 5) {
            if (try? inotify.wait(seconds: 0.1)) == true { try? inotify.drain { events.append($0) } }
            return events.contains { $0.mask.contains(.isDirectory) && $0.name == "sub" }
        })
        #expect(events.allSatisfy { $0.watch == wd })
        #expect(events.contains { $0.mask.contains(.create) && $0.name == "app.log" })
        #expect(events.contains { $0.mask.contains(.modify) && $0.name == "app.log" })
        #expect(events.contains { $0.mask.contains(.movedFrom) && $0.name == "app.log" })
        #expect(events.contains { $0.mask.contains(.movedTo) && $0.name == "app.log.1" })
    }

    @Test func nothingToReadIsATimeoutNotAnError() throws {
        let t = TempDirectory("rotatectl-inotify")
        defer { t.remove() }
        let inotify = try Inotify()
        _ = try inotify.addWatch(t.path, mask: .logDirectory)
        let start = monotonicNow()
        #expect(try inotify.wait(seconds: 0.05) == false)
        #expect(monotonicNow() - start >= 0.04)
        var count = 0
        try inotify.drain { _ in count += 1 }
        #expect(count == 0)
    }

    @Test func aFullWatchTableIsTheErrorOfInotifyAddWatch() throws {
        let t = TempDirectory("rotatectl-inotify")
        defer { SystemFaults.reset(); t.remove() }
        let inotify = try Inotify()
        SystemFaults.force("inotify_add_watch", .noSpace, path: t.path)
        do {
            _ = try inotify.addWatch(t.path, mask: .logDirectory)
            Issue.record("a forced ENOSPC was not reported")
        } catch {
            #expect(error.call == "inotify_add_watch" && error.errno == .noSpace && error.path == t.path)
        }
    }
}
