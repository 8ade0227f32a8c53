#if canImport(Glibc)
import Glibc
#endif

/// The C library's local time zone (`localtime_r`, `mktime`), as logrotate uses it.
public struct LocalTimeZone: TimeZoneRule {
    public init() {}
    public func civil(_ epoch: Int64) -> CivilTime {
        var t = time_t(epoch)
        var parts = tm()
        localtime_r(&t, &parts)
        return CivilTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                         hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }
    public func epoch(_ c: CivilTime) -> Int64 {
        var parts = tm()
        parts.tm_year = Int32(c.year - 1900); parts.tm_mon = Int32(c.month - 1); parts.tm_mday = Int32(c.day)
        parts.tm_hour = Int32(c.hour); parts.tm_min = Int32(c.minute); parts.tm_sec = Int32(c.second)
        parts.tm_isdst = -1
        return Int64(mktime(&parts))
    }
}
