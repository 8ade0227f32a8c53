/// Everything the planner looks at: no file system, no clock of its own.
public struct PlannerInput: Sendable {
    public var logSets: [LogSetConfig]
    public var snapshot: Snapshot
    /// Path → epoch seconds of the last rotation.
    public var state: [String: Int64]
    public var now: Int64
    public var timeZone: any TimeZoneRule
    public var force: Bool
    /// Running as root: log directories writable by group or others are refused unless `su` is set.
    public var asRoot: Bool

    public init(logSets: [LogSetConfig], snapshot: Snapshot, state: [String: Int64], now: Int64,
                timeZone: any TimeZoneRule = FixedOffsetTime(), force: Bool = false, asRoot: Bool = false) {
        self.logSets = logSets; self.snapshot = snapshot; self.state = state; self.now = now
        self.timeZone = timeZone; self.force = force; self.asRoot = asRoot
    }
}
