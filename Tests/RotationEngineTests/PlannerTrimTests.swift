import Testing
@testable import RotationEngine

/// `maxtotalsize` between rotations (`Planner.trim`): a log that is not due, whose rotated files take
/// more than the cap, has them trimmed oldest first, keeping the newest; nothing else happens to it.
@Suite struct PlannerTrimTests {
    static let script = Script(text: "true", location: SourceLocation(file: "/etc/rotatectl.conf", line: 2))

    /// app.log, rotated an hour ago (not due under `daily`), with `generations` rotated files of `size` bytes.
    func world(_ names: [String], size: Int64 = 4096, dir: String = "/var/log") -> PlannerWorld {
        var w = PlannerWorld()
        w.file("/var/log/app.log", size: 10)
        w.state["/var/log/app.log"] = w.now - 3600
        if dir != "/var/log" {
            w.directory(dir)
            w.file(dir, kind: .directory)
        }
        for (k, name) in names.enumerated() { w.file(dir + "/" + name, size: size, age: Int64(k + 1) * 86400) }
        return w
    }

    func daily(_ edit: (inout LogSetConfig) -> Void = { _ in }) -> LogSetConfig {
        logSet { $0.criterion = .every(.daily); $0.rotate = 20; $0.maxTotalSize = 10_000; edit(&$0) }
    }

    @Test func rotatedFilesOverTheCapAreTrimmedOldestFirstWithoutARotation() {
        // Number order, not name order: app.log.10 is older than app.log.9.
        let names = (1...10).map { "app.log.\($0)" }
        let p = world(names).plan(daily { $0.postRotate = Self.script; $0.preRotate = Self.script })
        #expect(p.rotatedPaths.isEmpty, "the live log is not rotated")
        #expect(p.units.count == 1)
        let unit = p.units[0]
        #expect(unit.preRotate == nil && unit.postRotate == nil, "no script runs for a trim")
        #expect(unit.logs.count == 1 && unit.logs[0].recordsRotation == false && unit.logs[0].rotateSteps.isEmpty)
        #expect(unit.logs[0].finishSteps == [.capTotalSize(generations: names.map { "/var/log/" + $0 }, cap: 10_000)])
        #expect(p.firstAction == nil && p.lastAction == nil && p.notify == nil)
        #expect(p.directories == ["/var/log"])
    }

    @Test func underTheCapOrASingleRotatedFileIsNoWork() {
        #expect(!world(["app.log.1", "app.log.2"]).plan(daily()).hasWork, "8 KiB under a 10,000-byte cap")
        #expect(!world(["app.log.1"], size: 50_000).plan(daily()).hasWork, "the newest rotated file is never removed for the cap")
        #expect(!world(["app.log.1", "app.log.2", "app.log.3"]).plan(daily { $0.maxTotalSize = nil }).hasWork)
    }

    @Test func filesThatAreNotGenerationsAreNeverCounted() {
        var w = world(["app.log.1", "app.log.2"])
        w.file("/var/log/app.log.1.gz-2026120110.backup", size: 90_000)
        w.file("/var/log/app.log.3", size: 90_000, kind: .symlink)
        w.file("/var/log/app.logger", size: 90_000)
        #expect(!w.plan(daily()).hasWork)
    }

    @Test func aDueLogIsRotatedAndItsRotationAppliesTheCapNotATrim() {
        var w = world((1...4).map { "app.log.\($0)" })
        w.state["/var/log/app.log"] = w.now - 2 * 86400
        let p = w.plan(daily())
        #expect(p.rotatedPaths == ["/var/log/app.log"])
        #expect(p.units.flatMap(\.logs).allSatisfy { $0.recordsRotation })
    }

    @Test func rotatedFilesInAnOlddirAreTrimmedThereUnderItsLock() {
        let p = world(["app.log.1.gz", "app.log.2.gz", "app.log.3.gz"], dir: "/var/log/old")
            .plan(daily { $0.oldDir = "/var/log/old"; $0.compress = true })
        #expect(p.units.first?.logs.first?.finishSteps == [.capTotalSize(
            generations: ["/var/log/old/app.log.1.gz", "/var/log/old/app.log.2.gz", "/var/log/old/app.log.3.gz"], cap: 10_000)])
        #expect(p.directories == ["/var/log", "/var/log/old"])
    }

    @Test func theWatcherIsWokenForATrimAndNotAgainOnceDone() {
        let over = world((1...4).map { "app.log.\($0)" })
        let decide = { (w: PlannerWorld) in
            WatchSchedule.decide(PlannerInput(logSets: [daily()], snapshot: w.snapshot, state: w.state, now: w.now, timeZone: w.timeZone)).due
        }
        #expect(decide(over) == [0])
        #expect(decide(world((1...2).map { "app.log.\($0)" })) == [])
    }
}
