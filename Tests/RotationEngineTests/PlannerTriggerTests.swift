import Testing
@testable import RotationEngine

/// When a log is due: logrotate 3.21's findNeedRotating order and rules.
@Suite struct PlannerTriggerTests {
    typealias W = PlannerWorld
    let log = "/var/log/app.log"

    func world(now: Int64 = W.at(2026, 12, 1, 10), size: Int64 = 100, last: Int64? = nil, age: Int64 = 30 * 86400) -> W {
        var w = W(now: now)
        w.file(log, size: size, age: age)
        if let last { w.state[log] = last }
        return w
    }

    @Test func aLogSeenForTheFirstTimeIsRecordedNotRotatedAndSaysSo() {
        let c = logSet { $0.frequency = .daily }
        let w = world()
        #expect(!w.due(c))
        let d = w.plan(c).decisions.first
        #expect(d?.reason.hasPrefix("first seen") == true)
        #expect(w.plan(c).newStatePaths == [log])
    }

    // MARK: size, minsize, maxsize

    @Test func sizeRotatesAtOrAboveTheThreshold() {
        let c = logSet { $0.size = 1000 }
        #expect(world(size: 1000).due(c))
        #expect(world(size: 5000).due(c))
        #expect(!world(size: 999).due(c))
    }

    @Test func sizeBasedIgnoresTheState() {
        let c = logSet { $0.size = 1000 }
        let w = world(size: 2000, last: W.at(2026, 12, 1, 10))
        #expect(w.due(c))
    }

    @Test func noFrequencyMeansOneMebibyte() {
        let c = logSet()
        #expect(!world(size: 1_048_575).due(c))
        #expect(world(size: 1_048_576).due(c))
    }

    @Test func maxsizeRotatesBeforeTheTime() {
        let c = logSet { $0.frequency = .daily; $0.maxSize = 500 }
        let w = world(size: 501, last: W.at(2026, 12, 1, 10))
        #expect(w.due(c))
        #expect(w.plan(c).decisions[0].reason.contains("maxsize"))
        #expect(!world(size: 500, last: W.at(2026, 12, 1, 10)).due(c))
    }

    @Test func minsizeVetoesATimeTrigger() {
        let c = logSet { $0.frequency = .daily; $0.minSize = 1000 }
        #expect(!world(size: 999, last: W.at(2026, 11, 28)).due(c))
        #expect(world(size: 1000, last: W.at(2026, 11, 28)).due(c))
    }

    @Test func minsizeDoesNotVetoSizeOrMaxsize() {
        let bySize = logSet { $0.size = 100; $0.minSize = 10_000 }
        #expect(world(size: 200).due(bySize))
        let byMax = logSet { $0.frequency = .daily; $0.maxSize = 100; $0.minSize = 10_000 }
        #expect(world(size: 200, last: W.at(2026, 12, 1, 10)).due(byMax))
    }

    // MARK: time

    @Test func hourlyComparesTheHour() {
        let c = logSet { $0.frequency = .hourly }
        #expect(world(now: W.at(2026, 12, 1, 10, 0), last: W.at(2026, 12, 1, 9, 59)).due(c))
        #expect(!world(now: W.at(2026, 12, 1, 10, 59), last: W.at(2026, 12, 1, 10, 1)).due(c))
        #expect(world(now: W.at(2026, 12, 2, 10), last: W.at(2026, 12, 1, 10)).due(c))
    }

    @Test func dailyComparesTheCalendarDay() {
        let c = logSet { $0.frequency = .daily }
        #expect(world(now: W.at(2026, 12, 2, 0, 1), last: W.at(2026, 12, 1, 23, 59)).due(c))
        #expect(!world(now: W.at(2026, 12, 1, 23, 59), last: W.at(2026, 12, 1, 0, 0)).due(c))
    }

    @Test func dailyAcrossMonthAndYearEnds() {
        let c = logSet { $0.frequency = .daily }
        #expect(world(now: W.at(2026, 12, 1, 0, 5), last: W.at(2026, 11, 30, 23)).due(c))
        #expect(world(now: W.at(2027, 1, 1, 0, 5), last: W.at(2026, 12, 31, 23)).due(c))
        #expect(world(now: W.at(2028, 2, 29, 1), last: W.at(2028, 2, 28, 23)).due(c))
        #expect(world(now: W.at(2028, 3, 1, 1), last: W.at(2028, 2, 29, 23)).due(c))
    }

    @Test func weeklyDefaultIsSunday() {
        let c = logSet { $0.frequency = .weekly(weekday: 0) }
        // 2026-12-06 is a Sunday; 2026-12-03 a Thursday.
        #expect(world(now: W.at(2026, 12, 6, 8), last: W.at(2026, 12, 3, 8)).due(c))
        #expect(!world(now: W.at(2026, 12, 7, 8), last: W.at(2026, 12, 6, 8)).due(c))
        #expect(!world(now: W.at(2026, 12, 5, 8), last: W.at(2026, 12, 3, 8)).due(c))
    }

    @Test func weeklyNotTwiceOnTheSameWeekday() {
        let c = logSet { $0.frequency = .weekly(weekday: 0) }
        #expect(!world(now: W.at(2026, 12, 6, 20), last: W.at(2026, 12, 6, 8)).due(c))
    }

    @Test(arguments: 0...6)
    func weeklyOnEachWeekday(_ weekday: Int) {
        let c = logSet { $0.frequency = .weekly(weekday: weekday) }
        // 2026-12-06 (Sunday) + weekday days has that weekday; the last rotation was 2 days earlier.
        let now = W.at(2026, 12, 6 + weekday, 9)
        #expect(world(now: now, last: now - 2 * 86400).due(c))
        #expect(!world(now: now + 86400, last: now - 86400).due(c))
    }

    @Test func weeklyAfterSevenDaysWhateverTheWeekday() {
        let c = logSet { $0.frequency = .weekly(weekday: 3) }
        #expect(world(now: W.at(2026, 12, 8, 1), last: W.at(2026, 12, 1, 23)).due(c))
        #expect(!world(now: W.at(2026, 12, 8, 1), last: W.at(2026, 12, 2, 23)).due(c))   // 6 days, a Tuesday
    }

    @Test func weeklySevenMeansEverySevenDays() {
        let c = logSet { $0.frequency = .weekly(weekday: 7) }
        #expect(!world(now: W.at(2026, 12, 7), last: W.at(2026, 12, 1)).due(c))
        #expect(world(now: W.at(2026, 12, 8), last: W.at(2026, 12, 1)).due(c))
    }

    @Test func weeklyCountsDaysAcrossYearEndAndLeapDay() {
        let c = logSet { $0.frequency = .weekly(weekday: 7) }
        #expect(world(now: W.at(2027, 1, 4), last: W.at(2026, 12, 28)).due(c))
        #expect(world(now: W.at(2028, 2, 29), last: W.at(2028, 2, 22)).due(c))
        #expect(world(now: W.at(2028, 3, 1), last: W.at(2028, 2, 23)).due(c))
        #expect(!world(now: W.at(2028, 2, 29), last: W.at(2028, 2, 23)).due(c))
    }

    @Test func monthlyComparesTheMonth() {
        let c = logSet { $0.frequency = .monthly }
        #expect(world(now: W.at(2027, 2, 1), last: W.at(2027, 1, 31, 23)).due(c))
        #expect(!world(now: W.at(2027, 2, 28, 23), last: W.at(2027, 2, 1)).due(c))
        #expect(world(now: W.at(2027, 1, 1), last: W.at(2026, 12, 31)).due(c))
        #expect(world(now: W.at(2027, 12, 1), last: W.at(2026, 12, 1)).due(c))
    }

    @Test func yearlyComparesTheYear() {
        let c = logSet { $0.frequency = .yearly }
        #expect(world(now: W.at(2027, 1, 1, 0, 1), last: W.at(2026, 12, 31, 23)).due(c))
        #expect(!world(now: W.at(2026, 12, 31), last: W.at(2026, 1, 1)).due(c))
    }

    @Test func sameHourIsAlreadyRotated() {
        let c = logSet { $0.frequency = .monthly }
        let p = world(now: W.at(2026, 12, 1, 10, 50), last: W.at(2026, 12, 1, 10, 5)).plan(c)
        #expect(p.decisions[0].rotate == false)
        #expect(p.decisions[0].reason.contains("already"))
    }

    @Test func noStateEntryIsNotDueAndIsRecorded() {
        let c = logSet { $0.frequency = .daily }
        let p = world().plan(c)
        #expect(p.decisions[0].rotate == false)
        #expect(p.newStatePaths == [log])
        #expect(p.units.isEmpty)
    }

    @Test func lastRotatedMoreThanADayInTheFutureForcesRotation() {
        let c = logSet { $0.frequency = .monthly }
        let now = W.at(2026, 12, 10)
        #expect(world(now: now, last: now + 26 * 3600).due(c))
        #expect(!world(now: now, last: now + 24 * 3600).due(c))
    }

    @Test func minageVetoesRecentlyModifiedLogs() {
        let c = logSet { $0.frequency = .daily; $0.minAge = 2 }
        #expect(!world(last: W.at(2026, 11, 20), age: 86400).due(c))
        #expect(!world(last: W.at(2026, 11, 20), age: 2 * 86400).due(c))   // exactly minage days: still too young
        #expect(world(last: W.at(2026, 11, 20), age: 2 * 86400 + 1).due(c))
    }

    @Test func minageDoesNotVetoForce() {
        var w = world(age: 0)
        w.force = true
        #expect(w.due(logSet { $0.frequency = .daily; $0.minAge = 5 }))
    }

    // MARK: force, empty, missing

    @Test func forceRotatesWhatIsNotDue() {
        var w = world(size: 1)
        w.force = true
        let p = w.plan(logSet { $0.size = 1_000_000 })
        #expect(p.decisions[0].rotate)
        #expect(p.decisions[0].reason.contains("forced"))
    }

    @Test func notifemptyOverridesEvenForce() {
        var w = world(size: 0)
        w.force = true
        #expect(!w.due(logSet { $0.ifEmpty = false }))
        #expect(w.due(logSet { $0.ifEmpty = true }))
    }

    @Test func missingLogIsAnErrorUnlessMissingok() {
        let w = W()
        let strict = w.plan(logSet())
        #expect(strict.errors.count == 1)
        #expect(strict.failed)
        let lenient = w.plan(logSet { $0.missingOK = true })
        #expect(lenient.errors.isEmpty)
        #expect(lenient.units.isEmpty)
    }

    @Test func missingLogInAGlobIsNotAnErrorWithMissingok() {
        let w = W()
        #expect(w.plan(logSet(["/var/log/*.log"]) { $0.missingOK = true }).errors.isEmpty)
        #expect(w.plan(logSet(["/var/log/*.log"])).errors.count == 1)
    }

    // MARK: what is never rotated

    @Test func symbolicLinksAreSkippedWithoutError() {
        var w = W()
        w.force = true
        w.file(log, kind: .symlink)
        let p = w.plan(logSet())
        #expect(p.decisions[0].rotate == false)
        #expect(p.errors.isEmpty)
        #expect(p.decisions[0].reason.contains("symbolic link"))
    }

    @Test func hardLinksNeedAllowhardlink() {
        var w = W()
        w.force = true
        w.file(log, links: 2)
        #expect(!w.due(logSet()))
        #expect(w.plan(logSet()).errors.isEmpty)
        #expect(w.due(logSet { $0.allowHardlink = true }))
    }

    @Test func otherFileKindsAreSkipped() {
        var w = W()
        w.force = true
        w.file(log, kind: .fifo)
        #expect(!w.due(logSet()))
    }

    @Test func unsafeDirectoryIsRefusedAsRoot() {
        var w = W()
        w.force = true
        w.asRoot = true
        w.directory("/var/log", mode: 0o777)
        w.file(log)
        let p = w.plan(logSet())
        #expect(p.decisions[0].rotate == false)
        #expect(p.errors.count == 1)
        // su names who rotates there; not running as root needs no check.
        #expect(w.due(logSet { $0.su = (uid: 0, gid: 0) }))
        w.asRoot = false
        #expect(w.due(logSet()))
    }

    @Test func groupWritableDirectoryIsSafeOnlyForGroupRoot() {
        var w = W()
        w.force = true
        w.asRoot = true
        w.directory("/var/log", mode: 0o775, gid: 0)
        w.file(log)
        #expect(w.due(logSet()))
        w.directory("/var/log", mode: 0o775, gid: 4)
        #expect(!w.due(logSet()))
        w.directory("/var/log", mode: 0o755, gid: 4)
        #expect(w.due(logSet()))
    }

    // MARK: several sets

    @Test func aLogNamedByTwoSetsIsAnError() {
        var w = W()
        w.force = true
        w.file(log)
        let plans = w.plans([logSet(), logSet(["/var/log/*.log"])])
        #expect(plans[0].decisions[0].rotate)
        #expect(plans[1].errors.count == 1)
        #expect(plans[1].units.isEmpty)
    }

    @Test func aLogNamedTwiceByOneSetIsRotatedOnceAndReported() {
        var w = W()
        w.force = true
        w.file(log)
        w.file("/var/log/b.log")
        let p = w.plan(logSet([log, "/var/log/*.log"]))
        #expect(p.rotatedPaths == [log, "/var/log/b.log"])
        #expect(p.errors.count == 1)
        #expect(p.decisions.first { $0.path == log }?.rotate == true)
        #expect(w.plan(logSet([log, "/var/log/*.log"]) { $0.ignoreDuplicates = true }).errors.isEmpty)
    }

    @Test func aDuplicateDoesNotHoldASharedSetBack() {
        var w = W()
        w.force = true
        w.file(log)
        w.file("/var/log/b.log")
        let plans = w.plans([logSet(), logSet(["/var/log/*.log"]) { $0.sharedScripts = true }])
        #expect(plans[1].errors.count == 1)
        #expect(plans[1].rotatedPaths == ["/var/log/b.log"])
        #expect(plans[1].units.count == 1)
        #expect(plans[1].decisions.filter(\.isDuplicate).map(\.path) == [log])
        // Whatever its reason says, only a decision marked a duplicate is let through.
        #expect(plans[1].decisions.filter { $0.error != nil }.allSatisfy { $0.isDuplicate })
    }

    @Test func anotherErrorHoldsASharedSetBackButADuplicateDoesNot() {
        var w = W()
        w.force = true
        w.file("/var/log/b.log")
        let p = w.plan(logSet(["/var/log/b.log", "/var/log/b.log", "/var/log/missing.log"]) { $0.sharedScripts = true })
        #expect(p.decisions.filter(\.isDuplicate).map(\.path) == ["/var/log/b.log"])
        #expect(p.decisions.contains { $0.path == "/var/log/missing.log" && !$0.isDuplicate && $0.error != nil })
        #expect(p.rotatedPaths.isEmpty)
    }

    @Test func ignoreduplicatesOfTheFirstSetDecides() {
        var w = W()
        w.force = true
        w.file(log)
        w.file("/var/log/other.log")
        let first = w.plans([logSet { $0.ignoreDuplicates = true }, logSet(["/var/log/*.log"])])
        #expect(first[1].errors.isEmpty)
        #expect(first[1].rotatedPaths == ["/var/log/other.log"])
        let later = w.plans([logSet(), logSet(["/var/log/*.log"]) { $0.ignoreDuplicates = true }])
        #expect(later[1].errors.count == 1)
        #expect(later[1].rotatedPaths == ["/var/log/other.log"])
    }
}
