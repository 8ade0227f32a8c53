/// The watcher's wall clock: the real one, or in debug builds one that starts at a given epoch and
/// runs on at the monotonic clock's pace (`WatchOptions.clockStart`), so that a period ends in a test.
struct WatchClock: Sendable {
    let start: Int64?
    let monotonicStart = monotonicNow()

    init(start: Int64?) { self.start = start }

    /// Seconds since the epoch, now.
    var seconds: Double {
        guard let start else { return wallClockNow() }
        return Double(start) + monotonicNow() - monotonicStart
    }

    /// Whole seconds since the epoch, as a run's clock.
    var epoch: Int64 { Int64(seconds.rounded(.down)) }
}
