#if canImport(Glibc)
import Glibc
#endif

/// What the machine offers, from `sysconf(3)`.
public enum HostLimits {
    /// Online processors (`sysconf(_SC_NPROCESSORS_ONLN)`), at least 1.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`), the unit of `/proc/PID/stat` times; 0 if unknown.
    public static var clockTicksPerSecond: Double { max(0, Double(sysconf(Int32(_SC_CLK_TCK)))) }

    /// The soft limit on open descriptors (`getrlimit(RLIMIT_NOFILE)`), nil when it cannot be read.
    public static var openFileLimit: Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
