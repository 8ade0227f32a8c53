import Testing
@testable import RotationEngine

/// Rotation units and the scripts around them: sharedscripts, per-log units, arguments.
@Suite struct PlannerScriptTests {
    typealias W = PlannerWorld
    static let script = Script(text: "true", location: SourceLocation(file: "/etc/rotatectl.conf", line: 2))

    func world(_ logs: [String] = ["/var/log/a.log", "/var/log/b.log"]) -> W {
        var w = W()
        w.force = true
        for l in logs { w.file(l) }
        return w
    }

    func scripted(_ patterns: [String], shared: Bool, _ edit: (inout LogSetConfig) -> Void = { _ in }) -> LogSetConfig {
        logSet(patterns) {
            $0.rotate = 1
            $0.sharedScripts = shared
            $0.preRotate = Self.script
            $0.postRotate = Self.script
            $0.firstAction = Self.script
            $0.lastAction = Self.script
            $0.preRemove = Self.script
            edit(&$0)
        }
    }

    @Test func sharedscriptsMakeOneUnitWithThePattern() {
        let p = world().plan(scripted(["/var/log/*.log"], shared: true))
        #expect(p.units.count == 1)
        #expect(p.units[0].logs.map(\.path) == ["/var/log/a.log", "/var/log/b.log"])
        #expect(p.units[0].preRotate?.arguments == ["/var/log/*.log"])
        #expect(p.units[0].postRotate?.arguments == ["/var/log/*.log"])
        #expect(p.units[0].preRotate?.kind == .prerotate)
        #expect(p.units[0].postRotate?.kind == .postrotate)
    }

    @Test func perLogUnitsGetTheLogAndItsRotatedName() {
        let p = world().plan(scripted(["/var/log/*.log"], shared: false))
        #expect(p.units.count == 2)
        #expect(p.units.map { $0.preRotate?.arguments ?? [] } == [["/var/log/a.log"], ["/var/log/b.log"]])
        #expect(p.units.map { $0.postRotate?.arguments ?? [] }
                == [["/var/log/a.log", "/var/log/a.log.1"], ["/var/log/b.log", "/var/log/b.log.1"]])
    }

    @Test func postrotateGetsTheUncompressedName() {
        let p = world(["/var/log/a.log"]).plan(scripted(["/var/log/a.log"], shared: false) { $0.compress = true })
        #expect(p.units[0].postRotate?.arguments == ["/var/log/a.log", "/var/log/a.log.1"])
    }

    @Test func firstLastAndPreremoveArguments() {
        let p = world().plan(scripted(["/var/log/a.log", "/var/log/b.log"], shared: false))
        #expect(p.firstAction?.arguments == ["/var/log/a.log /var/log/b.log"])
        #expect(p.lastAction?.arguments == ["/var/log/a.log /var/log/b.log"])
        #expect(p.firstAction?.kind == .firstaction)
        #expect(p.lastAction?.kind == .lastaction)
        #expect(p.preRemove?.arguments == [])
        #expect(p.preRemove?.kind == .preremove)
    }

    @Test func scriptTimeoutIsCarried() {
        let p = world().plan(scripted(["/var/log/*.log"], shared: true) { $0.scriptTimeout = 9 })
        #expect(p.units[0].preRotate?.timeout == 9)
    }

    @Test func noScriptsWhenNothingIsDue() {
        var w = world()
        w.force = false
        let p = w.plan(scripted(["/var/log/*.log"], shared: true) { $0.size = 1_000_000 })
        #expect(p.units.isEmpty)
        #expect(p.firstAction == nil)
        #expect(p.lastAction == nil)
        #expect(!p.hasWork)
    }

    @Test func aSharedSetWithAnErrorIsNotRotated() {
        let p = world(["/var/log/a.log"]).plan(scripted(["/var/log/a.log", "/var/log/gone.log"], shared: true))
        #expect(p.units.isEmpty)
        #expect(p.rotatedPaths.isEmpty)
        #expect(p.decisions.first { $0.path == "/var/log/a.log" }?.rotate == false)
        #expect(p.failed)
    }

    @Test func aSharedSetWithAFailedRotationIsNotRotated() {
        var w = world()
        w.file("/var/log/b.log-20261201")
        let p = w.plan(scripted(["/var/log/*.log"], shared: true) { $0.dateExt = true })
        #expect(p.units.isEmpty)
        #expect(p.errors.count == 1)
        #expect(p.decisions.allSatisfy { !$0.rotate })
    }

    @Test func aNonSharedSetWithAnErrorRotatesTheRest() {
        let p = world(["/var/log/a.log"]).plan(scripted(["/var/log/a.log", "/var/log/gone.log"], shared: false))
        #expect(p.units.map { $0.logs[0].path } == ["/var/log/a.log"])
        #expect(p.failed)
    }

    @Test func aSharedSetWithMissingokStillRotates() {
        let p = world(["/var/log/a.log"]).plan(scripted(["/var/log/a.log", "/var/log/gone.log"], shared: true) { $0.missingOK = true })
        #expect(p.units.count == 1)
        #expect(!p.failed)
    }

    @Test func removalsAreListedForPreremove() {
        var w = world(["/var/log/a.log"])
        w.file("/var/log/a.log.1")
        let p = w.plan(scripted(["/var/log/a.log"], shared: false))
        #expect(p.units[0].logs[0].removals == ["/var/log/a.log.2"])
    }

    @Test func rotatedAndNewStatePaths() {
        var w = world()
        w.force = false
        w.state["/var/log/a.log"] = W.at(2026, 11, 1)
        let p = w.plan(logSet(["/var/log/*.log"]) { $0.frequency = .daily; $0.rotate = 1 })
        #expect(p.rotatedPaths == ["/var/log/a.log"])
        #expect(p.newStatePaths == ["/var/log/b.log"])
    }

    @Test func plansKeepTheConfigurationOrder() {
        let plans = world().plans([logSet(["/var/log/b.log"]) { $0.rotate = 1 }, logSet(["/var/log/a.log"]) { $0.rotate = 1 }])
        #expect(plans.map(\.index) == [0, 1])
        #expect(plans.map(\.name) == ["/var/log/b.log", "/var/log/a.log"])
        #expect(plans[0].location == "/etc/rotatectl.conf:1")
    }

    @Test func stepsListRotationsBeforeFinishing() {
        let p = world(["/var/log/a.log"]).plan(logSet(["/var/log/a.log"]) { $0.rotate = 1; $0.compress = true })
        #expect(p.steps == [.rename(from: "/var/log/a.log", to: "/var/log/a.log.1", inode: p.rotation?.rotateSteps.first.flatMap {
            if case .rename(_, _, let i) = $0 { i } else { nil } } ?? 0),
                            .compress(source: "/var/log/a.log.1", destination: "/var/log/a.log.1.gz")])
    }

    // MARK: which files a set names

    @Test func globsAreSortedAndDeduplicated() {
        var w = world(["/var/log/c.log", "/var/log/a.log", "/var/log/b.txt"])
        w.file("/var/log/.hidden.log")
        let (paths, unmatched) = Planner(PlannerInput(logSets: [], snapshot: w.snapshot, state: [:], now: w.now))
            .files(of: logSet(["/var/log/*.log", "/var/log/a.log", "/var/log/*.none"]))
        #expect(paths == ["/var/log/a.log", "/var/log/c.log"])
        #expect(unmatched == ["/var/log/*.none"])
    }

    @Test func globsSkipDirectories() {
        var w = world(["/var/log/a.log"])
        w.snapshot.add("/var/log/dir.log", FileStatus(kind: .directory))
        w.snapshot.add("/var/log/sub", FileStatus(kind: .directory))
        let planner = Planner(PlannerInput(logSets: [], snapshot: w.snapshot, state: [:], now: w.now))
        let (paths, _) = planner.files(of: logSet(["/var/log/*.log"]))
        #expect(paths == ["/var/log/a.log"])
        // A pattern naming only directories is not missing: they are skipped silently.
        let (none, unmatched) = planner.files(of: logSet(["/var/log/sub", "/var/log/dir.*"]))
        #expect(none.isEmpty)
        #expect(unmatched.isEmpty)
        #expect(w.plan(logSet(["/var/log/sub"])).errors.isEmpty)
    }
}
