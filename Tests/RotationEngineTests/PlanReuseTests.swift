import Testing
@testable import RotationEngine

/// `Snapshot.fingerprint(of:)`, on which the executor decides to keep the plan it made before taking
/// the lock, and the planner leaving rotatectl's own files alone.
@Suite struct PlanReuseTests {
    typealias W = PlannerWorld

    func world() -> W {
        var w = W()
        w.directory("/var/log")
        w.file("/var/log/app.log", size: 10)
        w.file("/var/log/app.log.1.gz", size: 5)
        w.file("/var/log/other.txt", size: 7)
        return w
    }

    let set = logSet(["/var/log/*.log"]) { $0.rotate = 3; $0.compress = true }

    @Test func theSameSnapshotGivesTheSameFingerprintAndTheSamePlan() {
        let a = world(), b = world()
        #expect(a.snapshot.fingerprint(of: set) == b.snapshot.fingerprint(of: set))
        #expect(a.plan(set) == b.plan(set))
    }

    /// Digests kept from set to set (a group re-planned under one lock) give each set the fingerprint
    /// it has alone, and a directory changed in another snapshot still changes it.
    @Test func directoryDigestsKeptAcrossSetsChangeNoFingerprint() {
        let sets = [set, logSet(["/var/log/app.log"]), logSet(["/var/log/*.txt"]) { $0.oldDir = "/var/log/old" }]
        let w = world()
        var digests: [String: Int] = [:]
        for s in sets + sets { #expect(w.snapshot.fingerprint(of: s, digests: &digests) == w.snapshot.fingerprint(of: s)) }
        var grown = world()
        grown.snapshot.directories["/var/log"]?["other.txt"]?.size = 8
        var fresh: [String: Int] = [:]
        #expect(grown.snapshot.fingerprint(of: sets[1], digests: &fresh) != w.snapshot.fingerprint(of: sets[1], digests: &digests))
    }

    @Test func anyEntryThePlannerCanSeeChangesIt() {
        let base = world().snapshot.fingerprint(of: set)
        var grown = world()
        grown.snapshot.directories["/var/log"]?["app.log"]?.size = 11
        #expect(grown.snapshot.fingerprint(of: set) != base)
        var added = world()
        added.file("/var/log/app.log.2.gz")
        #expect(added.snapshot.fingerprint(of: set) != base)
        var removed = world()
        removed.snapshot.directories["/var/log"]?["app.log.1.gz"] = nil
        #expect(removed.snapshot.fingerprint(of: set) != base)
        var replaced = world()
        replaced.snapshot.directories["/var/log"]?["other.txt"]?.inode += 1000
        #expect(replaced.snapshot.fingerprint(of: set) != base, "an entry the pattern does not match counts too")
        var touched = world()
        touched.snapshot.directories["/var/log"]?["app.log"]?.modified.nanoseconds += 1
        #expect(touched.snapshot.fingerprint(of: set) != base)
    }

    @Test func theDirectorysOwnerAndModeCountButNotItsTimes() {
        let base = world().snapshot.fingerprint(of: set)
        var opened = world()
        opened.snapshot.directoryStatuses["/var/log"]?.mode = 0o777
        #expect(opened.snapshot.fingerprint(of: set) != base)
        var retimed = world()
        retimed.snapshot.directoryStatuses["/var/log"]?.modified = Timestamp(seconds: 12345)
        retimed.snapshot.directoryStatuses["/var/log"]?.size += 4096
        #expect(retimed.snapshot.fingerprint(of: set) == base)
        var unreadable = world()
        unreadable.snapshot.unreadable["/var/log/sub"] = "Permission denied"
        #expect(unreadable.snapshot.fingerprint(of: logSet(["/var/log/sub/*.log"])) != world().snapshot.fingerprint(of: logSet(["/var/log/sub/*.log"])))
    }

    @Test func rotatectlsLockAndReserveDoNotCountButItsJournalDoes() {
        let base = world().snapshot.fingerprint(of: set)
        var locked = world()
        locked.file("/var/log/.rotatectl.lock", size: 40)
        locked.file("/var/log/.rotatectl.reserve", size: 262_144)
        #expect(locked.snapshot.fingerprint(of: set) == base)
        var journal = world()
        journal.file("/var/log/.rotatectl.journal", size: 300)
        #expect(journal.snapshot.fingerprint(of: set) != base)
    }

    @Test func theOlddirListingCounts() {
        let moved = logSet(["/var/log/*.log"]) { $0.rotate = 3; $0.oldDir = "/var/log/old" }
        var a = world()
        a.directory("/var/log/old")
        var b = a
        b.file("/var/log/old/app.log.1")
        #expect(a.snapshot.fingerprint(of: moved) != b.snapshot.fingerprint(of: moved))
        #expect(a.snapshot.fingerprint(of: moved) != a.snapshot.fingerprint(of: set), "the olddir is part of the walk")
    }

    @Test func aPatternThatNamesDotFilesNeverPlansRotatectlsOwnFiles() {
        var w = world()
        w.force = true
        w.file("/var/log/.rotatectl.lock")
        w.file("/var/log/.rotatectl.journal")
        w.file("/var/log/.rotatectl.reserve")
        w.file("/var/log/.hidden.log")
        let p = w.plan(logSet(["/var/log/.*"]))
        #expect(p.rotatedPaths == ["/var/log/.hidden.log"])
        #expect(w.plan(logSet(["/var/log/.rotatectl.lock"])).rotatedPaths.isEmpty)
        #expect(w.plan(logSet(["/var/log/\\.rotatectl.journal"])).rotatedPaths.isEmpty)
    }
}
