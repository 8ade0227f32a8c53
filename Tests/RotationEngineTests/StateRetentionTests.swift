import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// What a write of the state file forgets (logrotate's year rule, asked of the file system), what it
/// rewrites without being asked (rotatectl's older layout, damage), and how damage is reported.
@Suite struct StateRetentionTests {
    static let now: Int64 = 1_800_000_000
    static let year = StateRetention.year

    @Test func staleMeansMoreThanASolarYearAgo() {
        let now = Self.now
        #expect(!StateRetention.isStale(now - Self.year, now: now))
        #expect(StateRetention.isStale(now - Self.year - 1, now: now))
        #expect(!StateRetention.isStale(now, now: now))
        #expect(!StateRetention.isStale(now + 10 * Self.year, now: now))
    }

    @Test func onlyStaleEntriesOfMissingLogsAreForgotten() {
        let now = Self.now
        let entries: StateTable = ["/gone/old": now - 2 * Self.year, "/gone/recent": now - 86_400,
                                   "/here/old": now - 2 * Self.year, "/here/recent": now - 60]
        let forgotten = StateRetention.forgotten(entries, now: now) { $0.hasPrefix("/here/") }
        #expect(forgotten == ["/gone/old"])
        var table = entries
        // Another run recorded a rotation of it meanwhile: kept.
        var refreshed = table
        refreshed["/gone/old"] = now
        StateRetention.forget(forgotten, in: &refreshed, now: now)
        #expect(refreshed["/gone/old"] == now)
        StateRetention.forget(forgotten, in: &table, now: now)
        #expect(table == ["/gone/recent": now - 86_400, "/here/old": now - 2 * Self.year, "/here/recent": now - 60])
    }

    @Test func existenceIsAskedOfTheFileSystem() throws {
        let dir = TempDirectory("rotatectl-retention")
        defer { dir.remove() }
        dir.write("log", Array("x\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.child("dangling"), withDestinationPath: dir.child("nowhere"))
        #expect(StateRetention.pathExists(dir.child("log")))
        #expect(StateRetention.pathExists(dir.child("dangling")))
        #expect(!StateRetention.pathExists(dir.child("missing")))
        #expect(!StateRetention.pathExists(dir.child("missing/under")))
        #expect(!StateRetention.pathExists(dir.child("log/under")))
    }

    @Test func aRunThatRecordsNothingStillForgetsAndConverts() throws {
        let dir = TempDirectory("rotatectl-retention")
        defer { dir.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        dir.write("kept.log", Array("x\n".utf8))
        let entries: StateTable = [dir.child("gone.log"): now - 2 * Self.year, dir.child("kept.log"): now - 2 * Self.year,
                                   dir.child("recent.log"): now - 86_400]
        dir.write("state", StateCodec.encode(entries, format: .rotatectl))
        let run = StateSession(path: dir.child("state"), now: now)
        #expect(run.takeDamage() == [])
        try run.flush()
        #expect(run.writes == 1)
        let bytes = dir.bytes("state") ?? []
        #expect(bytes.starts(with: Array("logrotate state -- version 2\n".utf8)))
        #expect(StateStore.load(path: dir.child("state")).entries
                == [dir.child("kept.log"): now - 2 * Self.year, dir.child("recent.log"): now - 86_400])
        // Nothing more to do: the next run writes nothing.
        let next = StateSession(path: dir.child("state"), now: now)
        try next.flush()
        #expect(next.writes == 0)
    }

    @Test func aDamagedFileIsReportedOnceAndWrittenAgainWithACopyKept() throws {
        let dir = TempDirectory("rotatectl-retention")
        defer { dir.remove() }
        let now = Int64(Date().timeIntervalSince1970)
        let original = Array("logrotate state -- version 2\n\"/a\" 2024-13-1-0:0:0\n\"/b\" 2026-1-1\n\"/c\" x y\n".utf8)
        dir.write("state", original)
        let run = StateSession(path: dir.child("state"), now: now)
        let warnings = run.takeWarnings()
        #expect(warnings.count == 2)
        #expect(warnings.allSatisfy { $0.contains("damaged state entry skipped") })
        let damage = run.takeDamage()
        #expect(damage.count == 1)
        #expect(damage.first?.contains("2 damaged lines skipped") == true)
        #expect(run.takeDamage() == [])
        _ = run.entries()
        #expect(run.takeDamage() == [], "the same file is not reported again")
        let notes = try run.flush()
        #expect(notes == ["\(dir.child("state")): damaged state file kept as \(dir.child("state.damaged"))"])
        #expect(dir.bytes("state.damaged") == original)
        let after = StateStore.load(path: dir.child("state"))
        #expect(after.warnings == [])
        #expect(after.entries == ["/b": LocalTimeZone().epoch(CivilTime(year: 2026, month: 1, day: 1))])
    }

    /// The damaged file is kept by a second name before the new one replaces it: when writing the new one
    /// fails (or the run is killed there), the state file is still there, damaged as it was, and the next
    /// write does it all again. Never a moment without a state file.
    @Test func aFailedRewriteOfADamagedFileLeavesItInPlace() throws {
        let dir = TempDirectory("rotatectl-retention")
        defer { SystemFaults.reset(); dir.remove() }
        let original = Array("logrotate state -- version 2\n\"/a\" 2024-13-1-0:0:0\n\"/b\" 2026-1-1\n".utf8)
        dir.write("state", original)
        let handle = try dir.handle()
        SystemFaults.force("renameat", .ioError)
        #expect(throws: (any Error).self) {
            _ = try StateStore.update(in: handle, name: "state") { $0["/c"] = 1_796_000_000 }
        }
        SystemFaults.reset()
        #expect(dir.bytes("state") == original, "the state file is still the damaged one")
        #expect(dir.bytes("state.damaged") == original)
        let again = try StateStore.update(in: handle, name: "state") { $0["/c"] = 1_796_000_000 }
        #expect(again.written && again.notes.count == 1)
        #expect(StateStore.load(path: dir.child("state")).entries.keys.sorted() == ["/b", "/c"])
        #expect(dir.bytes("state.damaged") == original)
    }

    @Test func aDamagedHeaderIsDamageToo() throws {
        let dir = TempDirectory("rotatectl-retention")
        defer { dir.remove() }
        dir.write("state", Array("garbage\n".utf8))
        let loaded = StateStore.load(path: dir.child("state"))
        #expect(loaded.warnings.contains { $0.contains("damaged state file (its header is not a state file's)") })
    }
}
