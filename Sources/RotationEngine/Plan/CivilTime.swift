/// A broken-down local time, as `struct tm` gives it but with a 1-based month and the full year.
public struct CivilTime: Sendable, Hashable {
    public var year: Int
    public var month: Int      // 1...12
    public var day: Int        // 1...31
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0 = Sunday.
    public var weekday: Int { CivilTime.weekday(dayNumber) }
    /// Days since 1970-01-01 of this date.
    public var dayNumber: Int64 { CivilTime.days(year: year, month: month, day: day) }

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute; self.second = second
    }

    /// Days from the civil date to 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil date of a day number.
    public static func date(dayNumber z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    public static func weekday(_ dayNumber: Int64) -> Int {
        Int(((dayNumber % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
    }

    /// Whether tomorrow is in another month.
    public var isLastDayOfMonth: Bool { CivilTime.date(dayNumber: dayNumber + 1).month != month }

    /// ISO 8601 week number (`%V`).
    public var isoWeek: Int {
        let wd = (weekday + 6) % 7          // Monday = 0
        let thursday = dayNumber - Int64(wd) + 3
        let thursdayYear = CivilTime.date(dayNumber: thursday).year
        let jan1 = CivilTime.days(year: thursdayYear, month: 1, day: 1)
        return Int((thursday - jan1) / 7) + 1
    }
}

/// Converts between epoch seconds and local civil time. The real one asks the C library's time zone
/// (`localtime_r`, `mktime`); tests use `FixedOffsetTime`.
public protocol TimeZoneRule: Sendable {
    func civil(_ epoch: Int64) -> CivilTime
    func epoch(_ civil: CivilTime) -> Int64
}

/// A time zone at a fixed offset from UTC (UTC when 0): pure, for tests and for `TZ=UTC`.
public struct FixedOffsetTime: TimeZoneRule {
    public var offsetSeconds: Int64
    public init(offsetSeconds: Int64 = 0) { self.offsetSeconds = offsetSeconds }
    public func civil(_ epoch: Int64) -> CivilTime {
        let local = epoch + offsetSeconds
        var day = local / 86400
        var rem = local % 86400
        if rem < 0 { rem += 86400; day -= 1 }
        let d = CivilTime.date(dayNumber: day)
        return CivilTime(year: d.year, month: d.month, day: d.day, hour: Int(rem / 3600),
                         minute: Int(rem % 3600 / 60), second: Int(rem % 60))
    }
    public func epoch(_ c: CivilTime) -> Int64 {
        CivilTime.days(year: c.year, month: c.month, day: c.day) * 86400 + Int64(c.hour) * 3600
            + Int64(c.minute) * 60 + Int64(c.second) - offsetSeconds
    }
}
