/// How `rotatectl watch` behaves: the options of each run it starts, and its own intervals.
public struct WatchOptions: Sendable {
    /// The options of every run (state file, lock wait, jobs, mail command, verbose, JSON).
    public var run = RunOptions()
    /// Seconds between full re-scans of every set, the safety net for what inotify cannot see
    /// (network file systems, an overflowed queue).
    public var rescanInterval: Double = 300
    /// The least number of seconds between two runs of one set (`--min-interval`); a set due sooner
    /// waits, with a `watch-held` warning.
    public var minInterval: Double = 0.1
    /// The least number of seconds between two evaluations: events arriving meanwhile are handled
    /// together, so a log written to thousands of times a second costs one look per interval.
    public var checkInterval: Double = 0.05
    /// Debug builds: the wall clock starts at this epoch and runs on (`ROTATECTL_NOW`), so that a
    /// test can make a period's boundary arrive.
    public var clockStart: Int64? = nil
    public init() {}
}
