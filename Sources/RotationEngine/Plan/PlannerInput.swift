/// Everything the planner looks at: no file system, no clock of its own.
public struct PlannerInput: Sendable {
    public var logSets: [LogSetConfig]
    public var snapshot: Snapshot
    /// Path → epoch seconds of the last rotation.
    public var state: StateTable
    public var now: Int64
    public var timeZone: any TimeZoneRule
    public var force: Bool
    /// Running as root: log directories writable by group or others are refused unless `su` is set.
    public var asRoot: Bool
    /// Whether a plan lists the decisions about logs that are neither due nor in error. The runner
    /// drops them unless they are to be printed, so a glob of 100,000 idle logs keeps no decision.
    public var keepIdleDecisions = true

    public init(logSets: [LogSetConfig], snapshot: Snapshot, state: StateTable, now: Int64,
                timeZone: any TimeZoneRule = FixedOffsetTime(), force: Bool = false, asRoot: Bool = false) {
        self.logSets = logSets; self.snapshot = snapshot; self.state = state; self.now = now
        self.timeZone = timeZone; self.force = force; self.asRoot = asRoot
    }

    public init(logSets: [LogSetConfig], snapshot: Snapshot, state: [String: Int64], now: Int64,
                timeZone: any TimeZoneRule = FixedOffsetTime(), force: Bool = false, asRoot: Bool = false) {
        self.init(logSets: logSets, snapshot: snapshot, state: StateTable(state), now: now, timeZone: timeZone,
                  force: force, asRoot: asRoot)
    }
}
