#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every `interval` seconds for up to `timeout` seconds (`CLOCK_MONOTONIC`); whether
/// it became true.
public func eventually(timeout: Double = 10, every interval: Double = 0.005, _ condition: () -> Bool) -> Bool {
    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    let deadline = now() + timeout
    while now() < deadline {
        if condition() { return true }
        usleep(UInt32(interval * 1_000_000))
    }
    return condition()
}
