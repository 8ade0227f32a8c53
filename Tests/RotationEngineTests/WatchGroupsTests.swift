#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import RotationEngine

/// What lets `rotatectl watch` run groups of sets side by side: `WatchTargets.groups` (pure) splits the
/// due sets into groups that share no directory, and `StateLockLease` shares one state-file lock among
/// the runs under way.
@Suite struct WatchGroupsTests {
    func world() -> PlannerWorld {
        var world = PlannerWorld()
        world.directory("/var/log/app")
        world.directory("/var/log/db")
        world.directory("/srv/web")
        world.file("/var/log/app", kind: .directory)
        world.file("/var/log/db", kind: .directory)
        world.file("/var/log/app/a.log")
        world.file("/var/log/app/c.log")
        world.file("/var/log/db/d.log")
        world.file("/srv/web/w.log")
        return world
    }

    @Test func setsSharingNoDirectoryAreGroupsOfTheirOwn() {
        let sets = [logSet(["/var/log/app/a.log"]), logSet(["/var/log/db/d.log"]), logSet(["/srv/web/w.log"]),
                    logSet(["/var/log/app/c.log"])]
        let targets = WatchTargets(sets, world().snapshot)
        #expect(targets.groups(of: [0, 1, 2]) == [[0], [1], [2]])
        // c.log's set reads /var/log/app, which the first set reads: planned with it, as `run` would.
        #expect(targets.groups(of: [3]) == [[0, 3]])
        #expect(targets.groups(of: [1, 3]) == [[0, 3], [1]])
        #expect(targets.directories(of: [0, 3]) == ["/var/log/app"])
        #expect(targets.directories(of: [2]) == ["/srv/web"])
    }

    @Test func aGlobThroughADirectoryJoinsTheSetsUnderIt() {
        // `/var/log/*/d.log` walks /var/log, and so reads the directory the other two sets' logs are under.
        let sets = [logSet(["/var/log/app/a.log"]), logSet(["/var/log/*/d.log"]), logSet(["/srv/web/w.log"])]
        let targets = WatchTargets(sets, world().snapshot)
        #expect(targets.groups(of: [1, 2]) == [[0, 1], [2]])
        #expect(targets.directories(of: [0, 1]) == ["/var/log", "/var/log/app", "/var/log/db"])
    }

    @Test func everyDueSetIsInExactlyOneGroupAndGroupsShareNoDirectory() {
        var world = PlannerWorld()
        var rng = SeededGenerator(state: 20)
        let dirs = (0..<6).map { "/d\($0)" }
        for d in dirs { world.directory(d) }
        for round in 0..<200 {
            let sets = (0..<8).map { _ in logSet((0..<Int.random(in: 1...3, using: &rng)).map { _ in dirs[Int.random(in: 0..<dirs.count, using: &rng)] + "/x.log" }) }
            let targets = WatchTargets(sets, world.snapshot)
            let due = Set((0..<8).filter { _ in Bool.random(using: &rng) })
            let groups = targets.groups(of: due)
            let members = groups.flatMap { $0 }
            #expect(Set(members).count == members.count, "round \(round): a set in two groups")
            #expect(Set(members) == Set(targets.closure(of: due)), "round \(round)")
            for (i, g) in groups.enumerated() {
                for h in groups[(i + 1)...] {
                    #expect(targets.directories(of: g).isDisjoint(with: targets.directories(of: h)), "round \(round): \(g) and \(h)")
                }
            }
        }
    }

    @Test func theLeaseHoldsTheStateFileLockFromTheFirstUserToTheLast() throws {
        let scratch = TempDirectory()
        let state = scratch.child("state")
        let lease = StateLockLease(statePath: state)
        let first = try lease.acquire(waiting: .once)
        let second = try lease.acquire(waiting: .once)
        #expect(first != nil && first === second, "the second run uses the first one's lock")
        #expect(lease.users == 2)
        #expect(throws: StateError.self) { _ = try StateFileLock.acquire(statePath: state, waiting: .once) }
        lease.release()
        #expect(throws: StateError.self) { _ = try StateFileLock.acquire(statePath: state, waiting: .once) }
        lease.release()
        #expect(lease.users == 0)
        let alone = try StateFileLock.acquire(statePath: state, waiting: .once)
        #expect(alone != nil, "free once the last user gave it back")
        alone?.release()
        #expect(try lease.acquire(waiting: .once) != nil, "taken again by the next busy spell")
        lease.release()
    }

    @Test func aDirectoryASetWouldReadThatDoesNotExistIsMissingNotATarget() {
        var world = PlannerWorld()
        world.directory("/srv")
        let targets = WatchTargets([logSet(["/srv/app/logs/*.log"]) { $0.missingOK = true }, logSet(["/srv/web.log"])], world.snapshot)
        #expect(targets.missing == ["/srv/app/logs"])
        #expect(targets.directories == ["/srv"])
    }

    /// A log directory made between the re-scan's snapshot and the watch on its parent: its creation event
    /// was never queued, so the re-scan looks one level down and scans again if it is there.
    @Test func theDirectoryBelowAWatchedAncestorIsSeenIfItWasMadeMeanwhile() {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let target = scratch.child("later/deep")
        #expect(!Watcher.madeMeanwhile(below: scratch.path, towards: target))
        mkdir(scratch.child("later"), 0o755)
        #expect(Watcher.madeMeanwhile(below: scratch.path, towards: target))
        #expect(!Watcher.madeMeanwhile(below: scratch.child("later"), towards: target))
        mkdir(target, 0o755)
        #expect(Watcher.madeMeanwhile(below: scratch.child("later"), towards: target))
        #expect(Watcher.madeMeanwhile(below: "/", towards: "/tmp/anything"))
        _ = scratch.write("file", "")
        #expect(!Watcher.madeMeanwhile(below: scratch.path, towards: scratch.child("file/deeper")), "a file is no directory to watch")
    }
}
