#if canImport(Glibc)
import Glibc
#endif

/// Broken-down local time, as logrotate writes it in its state file (`localtime_r`/`mktime`).
struct StateLocalTime: Sendable, Equatable {
    var year: Int
    var month: Int   // 1...12
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    /// `localtime_r` is not required to call `tzset`, so call it once before the first conversion.
    private static let zoneLoaded: Bool = { tzset(); return true }()

    /// `localtime_r(3)`; nil when the time does not fit a `struct tm`.
    init?(epoch: Int64) {
        _ = StateLocalTime.zoneLoaded
        var t = time_t(epoch)
        var tm = Glibc.tm()
        guard localtime_r(&t, &tm) != nil else { return nil }
        year = Int(tm.tm_year) + 1900
        month = Int(tm.tm_mon) + 1
        day = Int(tm.tm_mday)
        hour = Int(tm.tm_hour)
        minute = Int(tm.tm_min)
        second = Int(tm.tm_sec)
    }

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
    }

    /// `mktime(3)` with `tm_isdst = -1`, letting the C library decide daylight saving, as logrotate does.
    var epoch: Int64 {
        _ = StateLocalTime.zoneLoaded
        var tm = Glibc.tm()
        tm.tm_year = Int32(clamping: year - 1900)
        tm.tm_mon = Int32(clamping: month - 1)
        tm.tm_mday = Int32(clamping: day)
        tm.tm_hour = Int32(clamping: hour)
        tm.tm_min = Int32(clamping: minute)
        tm.tm_sec = Int32(clamping: second)
        tm.tm_isdst = -1
        return Int64(mktime(&tm))
    }

    /// `Y-M-D-h:m:s` without zero padding, logrotate's `%d-%d-%d-%d:%d:%d`.
    func append(to out: inout [UInt8]) {
        StateCodec.appendDecimal(Int64(year), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(month), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(day), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(hour), to: &out); out.append(UInt8(ascii: ":"))
        StateCodec.appendDecimal(Int64(minute), to: &out); out.append(UInt8(ascii: ":"))
        StateCodec.appendDecimal(Int64(second), to: &out)
    }
}
