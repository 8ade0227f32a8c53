/// What the watcher should do now, decided by the planner itself (pure: no disk, no clock): which sets
/// have work, and when the next time-based trigger of each set fires. `run` and `watch` therefore
/// rotate exactly the same logs for the same reasons; only the moment of asking differs.
public enum WatchSchedule {
    public struct Decision: Sendable, Equatable {
        /// Indices (into the input's sets) of the sets with a log due, or a log seen for the first time
        /// that the state file must record (as `run` records it, so that its first period starts now).
        public var due: [Int] = []
        /// Set index → the earliest moment after `now` at which a time-based trigger of one of its
        /// logs fires. A set with `size` alone has none.
        public var boundaries: [Int: Int64] = [:]
        public init(due: [Int] = [], boundaries: [Int: Int64] = [:]) { self.due = due; self.boundaries = boundaries }
    }

    /// The decision for the sets of `input`. A log whose period has ended but that a veto kept
    /// (`minsize`, `notifempty`, `minage`) has no boundary: a write to it is what can make it due.
    /// `recordsState` false: the state file is `/dev/null`, where nothing is ever recorded, so a log
    /// seen for the first time is no reason to run (it would be one for ever).
    public static func decide(_ input: PlannerInput, recordsState: Bool = true) -> Decision {
        var input = input
        input.keepIdleDecisions = false
        let planner = Planner(input)
        var decision = Decision()
        for plan in planner.plan() where plan.hasWork || (recordsState && !plan.newStateLogs.isEmpty) {
            decision.due.append(plan.index)
        }
        for (index, config) in input.logSets.enumerated() {
            guard case .every = config.criterion else { continue }
            // Logs rotated by one run share their time: one calendar computation per distinct time.
            var nextByLast: [Int64: Int64?] = [:]
            var earliest: Int64? = nil
            for path in planner.files(of: config).paths {
                let last = input.state[path] ?? input.now
                let next: Int64?
                if let known = nextByLast[last] {
                    next = known
                } else {
                    next = planner.nextTrigger(config, last: last)
                    nextByLast[last] = next
                }
                if let next, next > input.now, next < (earliest ?? Int64.max) { earliest = next }
            }
            if let earliest { decision.boundaries[index] = earliest }
        }
        return decision
    }
}
