#if canImport(Glibc)
import Glibc
#endif

/// The C library's local time zone (`localtime_r`, `mktime`), as logrotate uses it for schedules and
/// for the dates in its state file.
public struct LocalTimeZone: TimeZoneRule {
    /// `localtime_r` is not required to call `tzset`, so call it once before the first conversion.
    private static let zoneLoaded: Bool = { tzset(); return true }()

    public init() {}

    /// `localtime_r(3)`; nil when the time does not fit a `struct tm`.
    public func civilIfRepresentable(_ epoch: Int64) -> CivilTime? {
        _ = Self.zoneLoaded
        var t = time_t(epoch)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return nil }
        return CivilTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                         hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    public func civil(_ epoch: Int64) -> CivilTime {
        civilIfRepresentable(epoch) ?? CivilTime(year: 1970, month: 1, day: 1)
    }

    /// `mktime(3)` with `tm_isdst = -1`, letting the C library decide daylight saving, as logrotate does.
    public func epoch(_ c: CivilTime) -> Int64 {
        _ = Self.zoneLoaded
        var parts = tm()
        parts.tm_year = Int32(clamping: c.year - 1900)
        parts.tm_mon = Int32(clamping: c.month - 1)
        parts.tm_mday = Int32(clamping: c.day)
        parts.tm_hour = Int32(clamping: c.hour)
        parts.tm_min = Int32(clamping: c.minute)
        parts.tm_sec = Int32(clamping: c.second)
        parts.tm_isdst = -1
        return Int64(mktime(&parts))
    }
}
