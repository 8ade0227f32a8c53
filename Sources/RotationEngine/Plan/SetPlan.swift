/// Why a log was or was not rotated.
public struct LogDecision: Sendable, Equatable {
    public var path: String
    public var rotate: Bool
    public var reason: String
    /// An error about this log (missing without `missingok`, unsafe directory, …).
    public var error: String?
    /// The log was already named, by an earlier set or earlier in this one: a configuration error
    /// that does not hold a `sharedscripts` set back.
    public var isDuplicate: Bool
    /// Warnings about how it is rotated (`LogRotation.warnings`).
    public var warnings: [String] = []
    public init(path: String, rotate: Bool, reason: String, isDuplicate: Bool = false, error: String? = nil) {
        self.path = path; self.rotate = rotate; self.reason = reason; self.isDuplicate = isDuplicate; self.error = error
    }
}

/// The rotation of one log: the file-system steps before the postrotate script and after it.
public struct LogRotation: Sendable, Equatable {
    public var path: String
    /// What the log becomes: `log.1` (numbered) or `log-20261201` (dateext), before compression.
    public var rotatedPath: String
    /// Compress leftovers, drop expired generations, shift the chain, rename or copy the log, create anew.
    public var rotateSteps: [Action]
    /// Signal writers, wait for them, compress, remove the oldest generation.
    public var finishSteps: [Action]
    /// Generations the retention rules remove (preremove runs before each).
    public var removals: Set<String>
    /// What the run should say about it (a generation moved aside).
    public var warnings: [String]
    /// False for a trim (`Planner.trim`): the log is not rotated, only its rotated files are pruned, and
    /// the state file records nothing.
    public var recordsRotation = true
    public init(path: String, rotatedPath: String, rotateSteps: [Action] = [], finishSteps: [Action] = [],
                removals: Set<String> = [], warnings: [String] = []) {
        self.path = path; self.rotatedPath = rotatedPath; self.rotateSteps = rotateSteps
        self.finishSteps = finishSteps; self.removals = removals; self.warnings = warnings
    }
}

/// One prerotate … postrotate unit: a single log, or every due log of a `sharedscripts` set.
public struct RotationUnit: Sendable, Equatable {
    public var preRotate: ScriptRun?
    public var logs: [LogRotation]
    public var postRotate: ScriptRun?
    public init(preRotate: ScriptRun? = nil, logs: [LogRotation], postRotate: ScriptRun? = nil) {
        self.preRotate = preRotate; self.logs = logs; self.postRotate = postRotate
    }

    /// Every file the unit's logs and steps name: what it must not share with a rotation still going.
    public var touchedPaths: Set<String> {
        var paths = Set(logs.map(\.path))
        for log in logs {
            for step in log.rotateSteps + log.finishSteps { paths.formUnion(step.touchedPaths) }
        }
        return paths
    }
}

/// What the planner decided for one log set.
public struct SetPlan: Sendable, Equatable {
    /// Index of the set in the configuration.
    public var index: Int
    public var name: String
    public var location: String
    public var decisions: [LogDecision]
    public var firstAction: ScriptRun?
    public var units: [RotationUnit]
    public var lastAction: ScriptRun?
    public var preRemove: ScriptRun?
    /// Signal the set's writers: after every rename and creation, before any compression.
    public var notify: Action?
    /// Paths whose state entry is set to the run's time after the set's steps.
    public var rotatedPaths: [String]
    /// Logs seen for the first time (state entry created, not rotated), in order, kept as a
    /// `StateTable` of their paths (the times are not used): a first run over 100,000 logs holds their
    /// paths in one arena, not the directory listings they came from.
    public var newStateLogs: StateTable
    /// `newStateLogs` as paths.
    public var newStatePaths: [String] { newStateLogs.keys }
    /// Every directory the set reads or changes; the executor locks them in one global order.
    public var directories: [String]
    public var failed: Bool { decisions.contains { $0.error != nil } }
    public var hasWork: Bool { !units.isEmpty }
    public init(index: Int, name: String, location: String, decisions: [LogDecision] = [],
                firstAction: ScriptRun? = nil, units: [RotationUnit] = [], lastAction: ScriptRun? = nil,
                preRemove: ScriptRun? = nil, rotatedPaths: [String] = [], newStatePaths: [String] = [],
                directories: [String] = []) {
        self.index = index; self.name = name; self.location = location; self.decisions = decisions
        self.firstAction = firstAction; self.units = units; self.lastAction = lastAction
        self.preRemove = preRemove; self.rotatedPaths = rotatedPaths; self.newStateLogs = StateTable()
        for p in newStatePaths { self.newStateLogs[p] = 0 }
        self.directories = directories
    }

    /// Every file the set's units name (`RotationUnit.touchedPaths`).
    public var touchedPaths: Set<String> { units.reduce(into: Set<String>()) { $0.formUnion($1.touchedPaths) } }

    /// Every file-system step in the order the executor applies them (scripts aside).
    public var steps: [Action] {
        units.flatMap { unit in unit.logs.flatMap(\.rotateSteps) + unit.logs.flatMap(\.finishSteps) }
    }
}
