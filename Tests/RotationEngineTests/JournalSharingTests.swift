#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing
@testable import RotationEngine
import TestSupport

/// Several runs in one directory: each rotation's journal has a name of its own (`.rotatectl.journal`,
/// then `.2`, `.3`, …), a held journal makes busy only the files it names (`DirectoryLock.Journals`),
/// and another thread of the process holding the directory lock is waited for, not taken for a nested
/// run. `watch` splits its due sets over its workers (`WatchTargets.jobs`).
@Suite(.serialized) struct JournalSharingTests {
    static func block(_ steps: [Action]) -> JournalBlock {
        .unit(id: 0, directories: ["/d"], steps: steps, state: [])
    }

    @Test func journalNamesAreTheFirstAndNumberedOnes() {
        #expect(OwnFiles.isJournal(".rotatectl.journal"))
        #expect(OwnFiles.isJournal(".rotatectl.journal.2"))
        #expect(OwnFiles.isJournal(".rotatectl.journal.64"))
        for name in [".rotatectl.journal.", ".rotatectl.journal.x", ".rotatectl.journal.123", ".rotatectl.journalx", "rotatectl.journal", ".rotatectl.journal.2.gz"] {
            #expect(!OwnFiles.isJournal(name), "\(name)")
        }
        #expect(OwnFiles.contains(".rotatectl.lock") && OwnFiles.contains(".rotatectl.reserve") && OwnFiles.contains(".rotatectl.journal.3"))
    }

    @Test func aSecondJournalBesideAHeldOneTakesTheNextFreeName() throws {
        let t = TempDirectory()
        defer { t.remove() }
        let dir = try t.handle()
        let first = JournalFile(dir)
        try first.append([Self.block([.rename(from: t.child("a.log"), to: t.child("a.log.1"), inode: 0)])])
        let second = JournalFile(dir)
        try second.append([Self.block([.rename(from: t.child("b.log"), to: t.child("b.log.1"), inode: 0)])])
        #expect(first.fileName == ".rotatectl.journal")
        #expect(second.fileName == ".rotatectl.journal.2")
        #expect(try JournalFile.names(in: dir) == [".rotatectl.journal", ".rotatectl.journal.2"])
        #expect(JournalFile.isHeld(dir, first.fileName) && JournalFile.isHeld(dir, second.fileName))
        try first.remove()
        let third = JournalFile(dir)
        try third.append([Self.block([])])
        #expect(third.fileName == ".rotatectl.journal", "the first free name is taken again")
        try second.remove()
        try third.remove()
        #expect(try JournalFile.names(in: dir).isEmpty)
    }

    @Test func aHeldJournalMakesBusyOnlyTheFilesItNames() throws {
        let t = TempDirectory()
        defer { t.remove() }
        let dir = try t.handle()
        let (a, b) = (t.child("a.log"), t.child("b.log"))
        let journal = JournalFile(dir)
        try journal.append([Self.block([.rename(from: a, to: a + ".1", inode: 0), .compress(source: a + ".2", destination: a + ".2.gz")])])
        #expect(JournalFile.pathsHeldByOtherRuns(dir) == [a, a + ".1", a + ".2", a + ".2.gz"])
        // Another set of the directory: the lock is given at once, the journal held beside it.
        let other = try DirectoryLock.acquire(dir, wait: 0, logger: nil, journals: .disjoint(from: [b, b + ".1"]))
        other.release()
        // The same files: busy, as long as the journal is held.
        #expect(throws: LockError.journalInUse(path: t.child(OwnFiles.journal))) {
            try DirectoryLock.acquire(dir, wait: 0, logger: nil, journals: .disjoint(from: [a, a + ".1"]))
        }
        // `rotatectl lock` and cleanup: no rotation may be going on at all.
        #expect(throws: LockError.journalInUse(path: t.child(OwnFiles.journal))) {
            try DirectoryLock.acquire(dir, wait: 0, logger: nil)
        }
        // Finishing crashed journals only (no file of its own): never kept waiting.
        try DirectoryLock.acquire(dir, wait: 0, logger: nil, journals: .disjoint(from: [])).release()
        journal.release()   // as if its run died: kept, no longer held
        #expect(JournalFile.pathsHeldByOtherRuns(dir) == [])
        #expect(JournalReplay.crashed(dir) == [OwnFiles.journal])
        try DirectoryLock.acquire(dir, wait: 0, logger: nil, journals: .disjoint(from: [a])).release()
    }

    @Test func aHeldJournalThatIsNotOursMakesEverythingBusy() throws {
        let t = TempDirectory()
        defer { t.remove() }
        let dir = try t.handle()
        let journal = JournalFile(dir)
        try journal.append([Self.block([.rename(from: t.child("a.log"), to: t.child("a.log.1"), inode: 0)])])
        // Group-writable: refused as not written by us, so it could name any file.
        chmod(t.child(OwnFiles.journal), 0o620)
        #expect(JournalFile.pathsHeldByOtherRuns(dir) == nil)
        #expect(throws: LockError.journalInUse(path: t.child(OwnFiles.journal))) {
            try DirectoryLock.acquire(dir, wait: 0, logger: nil, journals: .disjoint(from: [t.child("b.log")]))
        }
        journal.release()
    }

    @Test func anotherThreadHoldingTheLockIsWaitedForNotTakenForANestedRun() throws {
        let t = TempDirectory()
        defer { t.remove() }
        let lock = try DirectoryLock.acquire(try t.handle(), wait: 0, logger: nil)
        let released = Flag()
        let result = Mutex<String>("")
        let thread = try WorkerThread.start {
            do {
                let mine = try DirectoryLock.acquire(try t.handle(), wait: 10, logger: nil)
                result.withLock { $0 = released.isSet ? "after" : "before" }
                mine.release()
            } catch {
                result.withLock { $0 = "\(error)" }
            }
        }
        sleepSeconds(0.3)
        released.set()
        lock.release()
        thread.join()
        #expect(result.withLock { $0 } == "after", "the other thread's lock was not waited for")
    }

    @Test func jobsSplitTheDueSetsOverTheFreeWorkers() {
        var world = PlannerWorld()
        world.directory("/a")
        world.directory("/b")
        let sets = [logSet(["/a/1.log"]), logSet(["/a/2.log"]), logSet(["/b/3.log"]), logSet(["/a/4.log"])]
        let targets = WatchTargets(sets, world.snapshot)
        #expect(targets.jobs(of: [1, 3], slots: 2) == [[1], [3]], "two sets of one directory run side by side")
        #expect(targets.jobs(of: [1, 2, 3], slots: 1) == [[1, 2, 3]])
        // The sets of /a next to each other: [0, 1, 3, 2] cut in two.
        #expect(targets.jobs(of: [0, 1, 2, 3], slots: 2) == [[0, 1], [2, 3]])
        #expect(targets.jobs(of: [], slots: 2).isEmpty)
        var rng = SeededGenerator(state: 7)
        for round in 0..<200 {
            let due = Set((0..<4).filter { _ in Bool.random(using: &rng) })
            let slots = Int.random(in: 1...4, using: &rng)
            let jobs = targets.jobs(of: due, slots: slots)
            let all = jobs.flatMap { $0 }
            #expect(Set(all) == due && all.count == due.count, "round \(round): every due set in exactly one job")
            #expect(jobs.count <= slots && jobs.allSatisfy { !$0.isEmpty }, "round \(round)")
            if let big = jobs.map(\.count).max(), let small = jobs.map(\.count).min() { #expect(big - small <= 1, "round \(round)") }
        }
    }
}

/// A flag one thread sets and another reads.
private final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
