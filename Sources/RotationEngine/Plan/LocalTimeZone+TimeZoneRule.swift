/// The local time zone of the C library (`System/LocalTimeZone.swift`) as the planner's `TimeZoneRule`.
extension LocalTimeZone: TimeZoneRule {
    /// `localtime_r(3)`; nil when the time does not fit a `struct tm`.
    public func civilIfRepresentable(_ epoch: Int64) -> CivilTime? {
        fields(epoch).map { CivilTime(year: $0.year, month: $0.month, day: $0.day, hour: $0.hour, minute: $0.minute, second: $0.second) }
    }

    public func civil(_ epoch: Int64) -> CivilTime {
        civilIfRepresentable(epoch) ?? CivilTime(year: 1970, month: 1, day: 1)
    }

    /// `mktime(3)` with `tm_isdst = -1`, letting the C library decide daylight saving, as logrotate does.
    public func epoch(_ c: CivilTime) -> Int64 {
        epoch(Fields(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second))
    }
}
