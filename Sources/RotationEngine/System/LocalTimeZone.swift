#if canImport(Glibc)
import Glibc
#endif

/// The C library's local time zone (`localtime_r`, `mktime`), as logrotate uses it for schedules and
/// for the dates in its state file. Its `TimeZoneRule` face (`civil`, `epoch` of a `CivilTime`) is in
/// `Plan/LocalTimeZone+TimeZoneRule.swift`; here are only the C calls, on plain fields.
public struct LocalTimeZone: Sendable {
    /// A moment's fields in local time: years AD, months and days from 1.
    public struct Fields: Sendable, Equatable {
        public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    /// `localtime_r` is not required to call `tzset`, so call it once before the first conversion.
    private static let zoneLoaded: Bool = { tzset(); return true }()

    public init() {}

    /// `localtime_r(3)`; nil when the time does not fit a `struct tm`.
    public func fields(_ epoch: Int64) -> Fields? {
        _ = Self.zoneLoaded
        var t = time_t(epoch)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return nil }
        return Fields(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                      hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
    }

    /// `mktime(3)` with `tm_isdst = -1`, letting the C library decide daylight saving, as logrotate does.
    public func epoch(_ f: Fields) -> Int64 {
        _ = Self.zoneLoaded
        var parts = tm()
        parts.tm_year = Int32(clamping: f.year - 1900)
        parts.tm_mon = Int32(clamping: f.month - 1)
        parts.tm_mday = Int32(clamping: f.day)
        parts.tm_hour = Int32(clamping: f.hour)
        parts.tm_min = Int32(clamping: f.minute)
        parts.tm_sec = Int32(clamping: f.second)
        parts.tm_isdst = -1
        return Int64(mktime(&parts))
    }
}
