#if canImport(Glibc)
import Glibc
#endif

/// How a run behaves: the command line's options.
public struct RunOptions: Sendable {
    public var force = false
    public var dryRun = false
    public var verbose = false
    public var json = false
    public var statePath = "/var/lib/rotatectl/status"
    /// Seconds to wait for a busy directory lock.
    public var wait: Double = 60
    public var jobs: Int = GzipCompressor.processorCount
    public var asRoot = ProcessIdentity.isRoot
    /// The run's clock; nil for the real one.
    public var now: Int64? = nil
    public var timeZone: any TimeZoneRule = LocalTimeZone()
    public init() {}
}
