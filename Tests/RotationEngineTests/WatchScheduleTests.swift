import Testing
import TestSupport
@testable import RotationEngine

/// `WatchSchedule`, `WatchTargets` and `WatchPace`: what the watcher decides, without a disk.
@Suite struct WatchScheduleTests {
    func decide(_ world: PlannerWorld, _ sets: [LogSetConfig]) -> WatchSchedule.Decision {
        WatchSchedule.decide(PlannerInput(logSets: sets, snapshot: world.snapshot, state: world.state, now: world.now,
                                          timeZone: world.timeZone))
    }

    @Test func aLogPastMaxsizeIsDueAndOneBelowIsNot() {
        var world = PlannerWorld()
        world.file("/var/log/app.log", size: 2000)
        world.state["/var/log/app.log"] = world.now - 60
        let set = logSet { $0.maxSize = 1000; $0.criterion = .size(1 << 30) }
        #expect(decide(world, [set]).due == [0])
        world.file("/var/log/app.log", size: 999)
        #expect(decide(world, [set]).due == [])
        #expect(decide(world, [set]).boundaries.isEmpty)
    }

    @Test func aLogSeenForTheFirstTimeIsRunSoThatTheStateRecordsIt() {
        var world = PlannerWorld()
        world.file("/var/log/app.log", size: 10)
        let set = logSet { $0.criterion = .every(.hourly) }
        #expect(decide(world, [set]).due == [0])
        world.state["/var/log/app.log"] = world.now
        #expect(decide(world, [set]).due == [])
        world.state = [:]
        let discarded = WatchSchedule.decide(PlannerInput(logSets: [set], snapshot: world.snapshot, state: world.state,
                                                          now: world.now, timeZone: world.timeZone), recordsState: false)
        #expect(discarded.due == [], "with state /dev/null a new log would be a reason to run for ever")
    }

    @Test func anHourlyLogHasItsBoundaryAtTheNextHourAndIsDueThere() {
        var world = PlannerWorld(now: PlannerWorld.at(2026, 12, 1, 10, 59, 58))
        world.file("/var/log/app.log", size: 10)
        world.state["/var/log/app.log"] = PlannerWorld.at(2026, 12, 1, 10, 0, 5)
        let set = logSet { $0.criterion = .every(.hourly) }
        let before = decide(world, [set])
        #expect(before.due.isEmpty)
        #expect(before.boundaries[0] == PlannerWorld.at(2026, 12, 1, 11))
        world.now = PlannerWorld.at(2026, 12, 1, 11)
        #expect(decide(world, [set]).due == [0])
    }

    /// A log whose period ended but that `minsize` keeps has no boundary in the past: the watcher would
    /// otherwise wake at once, for ever.
    @Test func aVetoedLogHasNoBoundaryInThePast() {
        var world = PlannerWorld()
        world.file("/var/log/app.log", size: 10)
        world.state["/var/log/app.log"] = world.now - 2 * 3600
        let set = logSet { $0.criterion = .every(.hourly); $0.minSize = 1000 }
        let decision = decide(world, [set])
        #expect(decision.due.isEmpty)
        #expect(decision.boundaries[0] == nil)
    }

    /// The invariant: for generated logs, states and clocks, the watcher's due sets are exactly the sets
    /// `run` would act on at the same moment, and no time-based log becomes due before its set's
    /// boundary (checked at every minute up to it).
    @Test func dueIsWhatRunWouldDoAndNothingFiresBeforeTheBoundary() {
        var random = SeededRandom(seed: 20)
        let frequencies: [Frequency] = [.hourly, .daily, .weekly(weekday: 0), .monthly]
        for _ in 0..<60 {
            var world = PlannerWorld(now: PlannerWorld.at(2026, 12, 1, 0) + Int64(random.next() % (40 * 86400)))
            var sets: [LogSetConfig] = []
            for s in 0..<3 {
                let pattern = "/var/log/s\(s)-*.log"
                for k in 0..<Int(random.next() % 4) {
                    let path = "/var/log/s\(s)-\(k).log"
                    world.file(path, size: Int64(random.next() % 3000))
                    if random.next() % 4 != 0 { world.state[path] = world.now - Int64(random.next() % (9 * 86400)) }
                }
                sets.append(logSet([pattern]) { c in
                    c.missingOK = true
                    switch random.next() % 3 {
                    case 0: c.criterion = .size(1500)
                    case 1: c.criterion = .every(frequencies[Int(random.next() % 4)]); c.maxSize = 2500
                    default: c.criterion = .every(frequencies[Int(random.next() % 4)]); c.minSize = 500
                    }
                })
            }
            let decision = decide(world, sets)
            let run = world.plans(sets).filter { $0.hasWork || !$0.newStateLogs.isEmpty }.map(\.index)
            #expect(decision.due == run)
            for (index, boundary) in decision.boundaries {
                #expect(boundary > world.now)
                let idle = Set(world.plans(sets)[index].decisions.filter { !$0.rotate }.map(\.path))
                var later = world
                var t = world.now + 60
                while t < boundary && t < world.now + 40 * 86400 {
                    later.now = t
                    let plans = later.plans([sets[index]])
                    #expect(!plans[0].decisions.contains { idle.contains($0.path) && $0.rotate && !$0.reason.contains("size") },
                            "set \(index) fired at \(t), before its boundary \(boundary) (now \(world.now)): \(plans[0].decisions.filter { idle.contains($0.path) && $0.rotate }.map { "\($0.path) \($0.reason) last \(world.state[$0.path] ?? -1)" })")
                    t += max(60, (boundary - t) / 7)
                }
            }
        }
    }

    @Test func targetsAreEveryDirectoryASetReadsAndTheClosureKeepsEarlierClaims() {
        var world = PlannerWorld()
        world.directory("/var/log/app")
        world.directory("/var/log/app/old")
        world.file("/var/log/app", kind: .directory)
        world.file("/var/log/app/old", kind: .directory)
        world.file("/var/log/app/a.log")
        world.file("/var/log/b.log")
        let first = logSet(["/var/log/app/*.log"]) { $0.oldDir = "old" }
        let second = logSet(["/var/log/*/a.log"])
        let third = logSet(["/var/log/b.log"])
        let targets = WatchTargets([first, second, third], world.snapshot)
        #expect(targets.directories == ["/var/log", "/var/log/app", "/var/log/app/old"])
        #expect(targets.setsByDirectory["/var/log/app"] == [0, 1])
        #expect(targets.setsByDirectory["/var/log"] == [1, 2])
        #expect(targets.closure(of: [2]) == [0, 1, 2])
        #expect(targets.closure(of: [0]) == [0])
    }

    @Test func paceHoldsASetWithinItsIntervalAndWarnsOncePerMinute() {
        var pace = WatchPace(minInterval: 0.5)
        #expect(pace.nextAllowed(1, now: 10) == nil)
        pace.ran(1, at: 10)
        #expect(pace.nextAllowed(1, now: 10.2) == 10.5)
        #expect(pace.nextAllowed(2, now: 10.2) == nil)
        #expect(pace.nextAllowed(1, now: 10.5) == nil)
        let warnings = [10.2, 30, 71].map { pace.shouldWarn(1, now: $0) }
        #expect(warnings == [true, false, true])
    }

    @Test func aSetWhoseRunsFailWaitsLongerEachTimeUpToAMinute() {
        var pace = WatchPace(minInterval: 0.1)
        var waits: [Double] = []
        var t = 0.0
        for _ in 0..<9 {
            pace.ran(3, at: t, failed: true)
            let next = pace.nextAllowed(3, now: t) ?? t
            waits.append(next - t)
            t = next
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        pace.ran(3, at: t)
        #expect(pace.nextAllowed(3, now: t + 0.1) == nil)
        #expect(!pace.isBackingOff(3))
    }
}
