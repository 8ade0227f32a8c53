import Foundation
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct StateStoreTests {
    @Test func missingFileIsEmptyWithoutWarning() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let loaded = StateStore.load(path: dir.child("nope/state"))
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func saveAndLoadRoundTripHostileNames() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        var entries: [String: Int64] = [:]
        for (i, name) in HostileNames.all.enumerated() { entries[name] = 1_700_000_000 + Int64(i) }
        try StateStore.save(entries, path: dir.child("state"))
        let loaded = StateStore.load(path: dir.child("state"))
        #expect(loaded.warnings == [])
        // logrotate's layout cannot hold a NUL, which no file name has: that one is left out.
        #expect(loaded.entries == entries.filter { !$0.key.utf8.contains(0) })
    }

    @Test func savedFileIsPrivateAndNoTemporaryIsLeft() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let old = umask(0)
        defer { umask(old) }
        try StateStore.save(["/a": 1], path: dir.child("state"))
        try StateStore.save(["/a": 2, "/b": 3], path: dir.child("state"))
        #expect(dir.mode("state") == 0o600)
        #expect(dir.names(recursive: false) == ["state"])
        #expect(StateStore.load(path: dir.child("state")).entries == ["/a": 2, "/b": 3])
    }

    @Test func saveReplacesAPreviousFileAtomically() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        try StateStore.save(["/a": 1], path: dir.child("state"))
        let before = dir.inode("state")
        try StateStore.save(["/a": 2], path: dir.child("state"))
        // A new file was renamed into place, never the old one rewritten.
        #expect(dir.inode("state") != before)
    }

    @Test func saveCreatesMissingPrivateDirectory() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        try StateStore.save(["/a": 1], path: dir.child("lib/rotatectl/state"))
        #expect(dir.mode("lib/rotatectl") == 0o700)
        #expect(StateStore.load(path: dir.child("lib/rotatectl/state")).entries == ["/a": 1])
    }

    @Test func saveIntoAnUnwritableDirectoryThrowsAndLeavesNothing() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        dir.write("notadir", [])
        #expect(throws: SystemError.self) { try StateStore.save(["/a": 1], path: dir.child("notadir/state")) }
        #expect(dir.names(recursive: false) == ["notadir"])
    }

    @Test func devNullKeepsNoState() throws {
        try StateStore.save(["/a": 1], path: "/dev/null")
        #expect(StateStore.load(path: "/dev/null").entries.isEmpty)
        var seen = -1
        try StateStore.update(path: "/dev/null") { entries in seen = entries.count; entries["/a"] = 1 }
        #expect(seen == 0)
    }

    @Test func aDirectoryAsStateIsAWarningOnLoadAndAnErrorOnUpdate() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.child("state"), withIntermediateDirectories: false)
        let loaded = StateStore.load(path: dir.child("state"))
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warnings == ["\(dir.child("state")): state file is not a regular file"])
        #expect(throws: StateError.notRegularFile(path: dir.child("state"))) {
            try StateStore.update(path: dir.child("state")) { $0["/a"] = 1 }
        }
    }

    @Test func aSymlinkedStateFileIsNotFollowed() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        dir.write("target", Array("rotatectl state -- version 1\n\"/a\" 1-1-1 @1\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.child("state"), withDestinationPath: dir.child("target"))
        let loaded = StateStore.load(path: dir.child("state"))
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warnings.count == 1)
        #expect(throws: SystemError.self) { try StateStore.update(path: dir.child("state")) { $0["/b"] = 2 } }
        #expect(dir.bytes("target") == Array("rotatectl state -- version 1\n\"/a\" 1-1-1 @1\n".utf8))
    }

    @Test func updateMergesWithWhatIsOnDisk() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        try StateStore.update(path: path) { $0["/var/log/a/x.log"] = 10 }
        try StateStore.update(path: path) { $0["/var/log/b/y.log"] = 20 }
        #expect(StateStore.load(path: path).entries == ["/var/log/a/x.log": 10, "/var/log/b/y.log": 20])
        #expect(dir.names(recursive: false) == ["state", "state.lock"])
        #expect(dir.mode("state.lock") == 0o600)
    }

    @Test func updateWithoutChangesDoesNotRewrite() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        try StateStore.update(path: path) { $0["/a"] = 1 }
        let before = dir.inode("state")
        try StateStore.update(path: path) { $0["/a"] = 1 }
        #expect(dir.inode("state") == before)
        try StateStore.update(path: path) { $0["/a"] = 2 }
        #expect(dir.inode("state") != before)
    }

    @Test func updateKeepsALogrotateFileInLogrotateLayout() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        dir.write("status", Array("logrotate state -- version 2\n\"/var/log/syslog\" 2024-1-1-0:0:0\n".utf8))
        try StateStore.update(path: dir.child("status")) { $0["/var/log/new \"one\""] = 1_700_000_000 }
        let bytes = dir.bytes("status") ?? []
        #expect(bytes.starts(with: Array("logrotate state -- version 2\n".utf8)))
        #expect(!bytes.contains(UInt8(ascii: "@")))
        let loaded = StateStore.load(path: dir.child("status"))
        #expect(loaded.warnings == [])
        #expect(loaded.entries == ["/var/log/syslog": LocalTimeZone().epoch(CivilTime(year: 2024, month: 1, day: 1)),
                                   "/var/log/new \"one\"": 1_700_000_000])
    }

    @Test func updateKeepsAFileWithADamagedHeaderAside() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let original = Array("#!/bin/sh\necho not a state file\n\"/a\" 2024-1-1\n".utf8)
        dir.write("state", original)
        let warnings = try StateStore.update(path: dir.child("state")) { $0["/b"] = 5 }
        #expect(warnings.contains { $0.hasPrefix("\(dir.child("state")):1: damaged state header") })
        #expect(warnings.contains("\(dir.child("state")):2: damaged state entry skipped: expected a quoted path and a date, found 5 words"))
        #expect(warnings.last == "\(dir.child("state")): damaged state file kept as \(dir.child("state.damaged"))")
        #expect(dir.bytes("state.damaged") == original)
        #expect(StateStore.load(path: dir.child("state")).entries == ["/a": LocalTimeZone().epoch(CivilTime(year: 2024, month: 1, day: 1)), "/b": 5])
    }

    @Test func updateOfAHundredThousandEntriesIsOneReadAndOneWrite() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let path = dir.child("state")
        var entries: [String: Int64] = [:]
        for i in 0..<100_000 { entries["/var/log/app\(i % 97)/service-\(i).log"] = 1_700_000_000 + Int64(i) }
        try StateStore.save(entries, path: path)
        // Counted, not timed (rules that match this thread's calls and never fire): the state file is opened once,
        // to be read, and one rename (of the new file, from its temporary name) puts the new one in place.
        defer { SystemFaults.reset() }
        let opens = SystemFaults.force("openat", .ioError, occurrence: .nth(Int.max), path: "/state")
        let renames = SystemFaults.force("renameat", .ioError, occurrence: .nth(Int.max))
        try StateStore.update(path: path) { $0["/var/log/extra.log"] = 1 }
        #expect(SystemFaults.count(opens).matched == 1)
        #expect(SystemFaults.count(renames).matched == 1)
        SystemFaults.reset()
        let loaded = StateStore.load(path: path)
        #expect(loaded.entries.count == 100_001)
        #expect(loaded.entries["/var/log/app\(99_944 % 97)/service-99944.log"] == 1_700_099_944)
    }
}
