/// How often the watcher may run one set: at most once per `minInterval` seconds, so that a log
/// growing faster than it can be rotated costs a bounded amount of work (and, with `rotate`, a bounded
/// number of generations). Pure: times are the caller's monotonic seconds.
public struct WatchPace: Sendable {
    public var minInterval: Double
    /// How long after a warning about a set the next one may be given.
    public var warningInterval: Double = 60
    var lastRun: [Int: Double] = [:]
    var lastWarning: [Int: Double] = [:]

    public init(minInterval: Double) { self.minInterval = minInterval }

    /// Nil when `set` may run at `now`; else the moment it may.
    public func nextAllowed(_ set: Int, now: Double) -> Double? {
        guard let last = lastRun[set], now < last + minInterval else { return nil }
        return last + minInterval
    }

    /// Records that `set` ran at `now`.
    public mutating func ran(_ set: Int, at now: Double) { lastRun[set] = now }

    /// Whether a warning that `set` was held back should be given at `now` (one per `warningInterval`),
    /// recording it when so.
    public mutating func shouldWarn(_ set: Int, now: Double) -> Bool {
        if let last = lastWarning[set], now < last + warningInterval { return false }
        lastWarning[set] = now
        return true
    }

    /// Forgets every set (a new configuration numbers them anew).
    public mutating func reset() { lastRun = [:]; lastWarning = [:] }
}
