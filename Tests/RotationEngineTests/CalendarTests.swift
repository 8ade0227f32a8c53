import Testing
@testable import RotationEngine

/// The pure calendar: civil dates, weekdays, ISO weeks, fixed-offset zones.
@Suite struct CalendarTests {
    @Test func epochIsDayZero() {
        #expect(CivilTime.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilTime.date(dayNumber: 0) == (1970, 1, 1))
        #expect(CivilTime.weekday(0) == 4)   // a Thursday
    }

    @Test func knownDates() {
        #expect(CivilTime.days(year: 2000, month: 3, day: 1) == 11017)
        #expect(CivilTime(year: 2026, month: 12, day: 1).weekday == 2)    // Tuesday
        #expect(CivilTime(year: 2028, month: 2, day: 29).weekday == 2)    // Tuesday
        #expect(CivilTime(year: 1969, month: 12, day: 31).dayNumber == -1)
        #expect(CivilTime(year: 1969, month: 12, day: 31).weekday == 3)
    }

    @Test func roundTripAcrossLeapYears() {
        for day in stride(from: Int64(-800), through: 25000, by: 1) {
            let d = CivilTime.date(dayNumber: day)
            #expect(CivilTime.days(year: d.year, month: d.month, day: d.day) == day)
        }
    }

    @Test func leapYears() {
        #expect(CivilTime.date(dayNumber: CivilTime.days(year: 2028, month: 2, day: 28) + 1) == (2028, 2, 29))
        #expect(CivilTime.date(dayNumber: CivilTime.days(year: 2027, month: 2, day: 28) + 1) == (2027, 3, 1))
        #expect(CivilTime.date(dayNumber: CivilTime.days(year: 2100, month: 2, day: 28) + 1) == (2100, 3, 1))
        #expect(CivilTime.date(dayNumber: CivilTime.days(year: 2000, month: 2, day: 28) + 1) == (2000, 2, 29))
    }

    @Test func lastDayOfMonth() {
        #expect(CivilTime(year: 2027, month: 2, day: 28).isLastDayOfMonth)
        #expect(!CivilTime(year: 2028, month: 2, day: 28).isLastDayOfMonth)
        #expect(CivilTime(year: 2028, month: 2, day: 29).isLastDayOfMonth)
        #expect(CivilTime(year: 2026, month: 12, day: 31).isLastDayOfMonth)
        #expect(!CivilTime(year: 2026, month: 11, day: 29).isLastDayOfMonth)
    }

    @Test(arguments: [
        (2026, 12, 28, 53), (2027, 1, 1, 53), (2027, 1, 4, 1), (2026, 1, 1, 1), (2025, 12, 29, 1),
        (2028, 1, 2, 52), (2028, 1, 3, 1), (2028, 12, 31, 52), (2020, 12, 31, 53), (2021, 1, 3, 53),
    ])
    func isoWeek(_ y: Int, _ m: Int, _ d: Int, _ week: Int) {
        #expect(CivilTime(year: y, month: m, day: d).isoWeek == week)
    }

    @Test func fixedOffsetConvertsBothWays() {
        let utc = FixedOffsetTime()
        let t = utc.epoch(CivilTime(year: 2026, month: 12, day: 1, hour: 7, minute: 38, second: 59))
        #expect(t == 1_796_110_739)
        #expect(utc.civil(t) == CivilTime(year: 2026, month: 12, day: 1, hour: 7, minute: 38, second: 59))
        let plus2 = FixedOffsetTime(offsetSeconds: 7200)
        #expect(plus2.civil(t).hour == 9)
        let minus11 = FixedOffsetTime(offsetSeconds: -11 * 3600)
        #expect(minus11.civil(t) == CivilTime(year: 2026, month: 11, day: 30, hour: 20, minute: 38, second: 59))
        #expect(minus11.epoch(minus11.civil(t)) == t)
    }

    @Test func fixedOffsetBeforeTheEpoch() {
        let utc = FixedOffsetTime()
        #expect(utc.civil(-1) == CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59))
        #expect(utc.epoch(CivilTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59)) == -1)
    }

    @Test func aDayDecidedInLocalTime() {
        // 23:30 UTC on Nov 30 is already Dec 1 at +01:00: daily rotation sees a new day there only.
        var w = PlannerWorld(now: PlannerWorld.at(2026, 11, 30, 23, 30))
        w.file("/var/log/app.log")
        w.state["/var/log/app.log"] = PlannerWorld.at(2026, 11, 30, 22, 10)
        let c = logSet { $0.frequency = .daily }
        #expect(!w.due(c))
        w.timeZone = FixedOffsetTime(offsetSeconds: 3600)
        #expect(w.due(c))
    }

    // MARK: DateFormat

    @Test func dateFormatRendersTheAllowedSpecifiers() {
        let t = CivilTime(year: 2027, month: 1, day: 1, hour: 5, minute: 6, second: 7)
        #expect(DateFormat("-%Y%m%d").render(t, epoch: 42) == "-20270101")
        #expect(DateFormat("%Y-%m-%d_%H%M%S").render(t, epoch: 42) == "2027-01-01_050607")
        #expect(DateFormat(".%s").render(t, epoch: 1_796_110_739) == ".1796110739")
        #expect(DateFormat("-%V").render(t, epoch: 0) == "-53")
    }

    @Test func dateFormatLeavesOtherSpecifiersLiteral() {
        let t = CivilTime(year: 2027, month: 1, day: 1)
        #expect(DateFormat("-%a%Y%").render(t, epoch: 0) == "-%a2027%")
        #expect(DateFormat("%%").render(t, epoch: 0) == "%%")
    }

    @Test func dateFormatDropsLeadingBlanks() {
        #expect(DateFormat("  -%Y").render(CivilTime(year: 2027, month: 1, day: 1), epoch: 0) == "-2027")
        #expect(DateFormat("  -%Y").matches("-2027"))
    }

    @Test func dateFormatMatchesDigitsWhereSpecifiersStand() {
        let f = DateFormat("-%Y%m%d")
        #expect(f.matches("-20261201"))
        #expect(!f.matches("-2026120"))
        #expect(!f.matches("-202612011"))
        #expect(!f.matches("-2026-12-01"))
        #expect(!f.matches("_20261201"))
        #expect(DateFormat(".%s").matches(".1796110739"))
        #expect(!DateFormat(".%s").matches(".179611073"))
        #expect(DateFormat("-%Y-%a").matches("-2026-%a"))
    }

    @Test func sortKeyOrdersByTheTimeNamed() {
        let f = DateFormat(".%d-%m-%Y")
        let names = [".01-01-2020", ".02-01-2019", ".31-12-2018"]
        #expect(names.sorted { (f.sortKey($0[...]) ?? 0) < (f.sortKey($1[...]) ?? 0) } == [".31-12-2018", ".02-01-2019", ".01-01-2020"])
        #expect(f.sortKey(".1-1-2020") == nil)
        #expect(DateFormat(".%s").sortKey(".1600000000") == 1_600_000_000)
        #expect(DateFormat("-%Y%m%d%H").sortKey("-2026120110") == PlannerWorld.at(2026, 12, 1, 10))
        #expect(DateFormat("-%H%M").sortKey("-0130") == PlannerWorld.at(1900, 1, 1, 1, 30))
    }

    @Test func renderedNamesMatchTheirFormat() {
        let t = CivilTime(year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 58)
        for fmt in ["-%Y%m%d", "-%Y%m%d%H", ".%d-%m-%Y", "_%Y-%V", "-%Y%m%d%H%M%S", ".%s"] {
            let f = DateFormat(fmt)
            #expect(f.matches(Substring(f.render(t, epoch: 1_835_481_598))), "\(fmt)")
        }
    }

    // MARK: Glob

    @Test func wildcardsAreRecognised() {
        #expect(Glob.hasWildcard("*.log"))
        #expect(Glob.hasWildcard("a?.log"))
        #expect(Glob.hasWildcard("[ab].log"))
        #expect(!Glob.hasWildcard("plain.log"))
    }

    @Test func globMatchesLikeFnmatchWithPeriod() {
        #expect(Glob.matches("*.log", "a.log"))
        #expect(!Glob.matches("*.log", ".a.log"))
        #expect(Glob.matches(".*.log", ".a.log"))
        #expect(Glob.matches("[ab].log", "b.log"))
        #expect(!Glob.matches("[ab].log", "c.log"))
        #expect(Glob.matches("?x.log", "zx.log"))
        #expect(!Glob.matches("?x.log", "zzx.log"))
    }

    @Test func globExpandsOverListingsSorted() {
        let listings: [String: Listing] = [
            "/": ["srv": FileStatus(kind: .directory)],
            "/srv": ["b": FileStatus(kind: .directory), "a": FileStatus(kind: .directory), "f.log": FileStatus()],
            "/srv/a": ["x.log": FileStatus(), ".y.log": FileStatus()],
            "/srv/b": ["x.log": FileStatus(), "z.txt": FileStatus()],
        ]
        let list = { (d: String) in listings[d] }
        #expect(Glob.expand("/srv/*/x.log", list: list) == ["/srv/a/x.log", "/srv/b/x.log"])
        #expect(Glob.expand("/srv/*/*.log", list: list) == ["/srv/a/x.log", "/srv/b/x.log"])
        #expect(Glob.expand("/srv/*.log", list: list) == ["/srv/f.log"])
        #expect(Glob.expand("/srv/a/x.log", list: list) == ["/srv/a/x.log"])
        #expect(Glob.expand("/srv/a/none.log", list: list) == [])
        #expect(Glob.expand("/nowhere/*.log", list: list) == [])
    }

    @Test func globUnescapesLiteralParts() {
        let listings: [String: Listing] = ["/d": ["a*b": FileStatus()]]
        #expect(Glob.expand("/d/a\\*b", list: { listings[$0] }) == ["/d/a*b"])
    }
}
