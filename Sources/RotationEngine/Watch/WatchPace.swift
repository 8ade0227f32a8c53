/// How often the watcher may run one set: at most once per `minInterval` seconds, so that a log
/// growing faster than it can be rotated costs a bounded amount of work (and, with `rotate`, a bounded
/// number of generations). Pure: times are the caller's monotonic seconds.
public struct WatchPace: Sendable {
    public var minInterval: Double
    /// How long after a warning about a set the next one may be given.
    public var warningInterval: Double = 60
    /// The longest a set whose runs keep failing waits between two of them.
    public var longestBackoff: Double = 60
    var lastRun: [Int: Double] = [:]
    var lastWarning: [Int: Double] = [:]
    /// Set → the wait after its last run failed, doubled by each failure in a row.
    var backoff: [Int: Double] = [:]

    public init(minInterval: Double) { self.minInterval = minInterval }

    /// Nil when `set` may run at `now`; else the moment it may.
    public func nextAllowed(_ set: Int, now: Double) -> Double? {
        let interval = max(minInterval, backoff[set] ?? 0)
        guard let last = lastRun[set], now < last + interval else { return nil }
        return last + interval
    }

    /// Records that `set` ran at `now`; a failed run makes it wait twice as long as the previous
    /// failure did (from 1 s up to `longestBackoff`), so that a set that cannot be rotated (a state file
    /// that cannot be written, a script that fails) is not retried ten times a second.
    public mutating func ran(_ set: Int, at now: Double, failed: Bool = false) {
        lastRun[set] = now
        backoff[set] = failed ? min(longestBackoff, max(1, 2 * (backoff[set] ?? 0.5))) : nil
    }

    /// Whether a warning that `set` was held back should be given at `now` (one per `warningInterval`),
    /// recording it when so.
    public mutating func shouldWarn(_ set: Int, now: Double) -> Bool {
        if let last = lastWarning[set], now < last + warningInterval { return false }
        lastWarning[set] = now
        return true
    }

    /// Forgets every set (a new configuration numbers them anew).
    public mutating func reset() { lastRun = [:]; lastWarning = [:]; backoff = [:] }

    /// Whether `set` is waiting after failed runs (no `watch-held` warning is due then: the run's
    /// own errors said why).
    public func isBackingOff(_ set: Int) -> Bool { backoff[set] != nil }
}
