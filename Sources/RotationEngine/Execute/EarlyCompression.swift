/// Which compress steps of a set may start while its renames are still going on, and from when.
///
/// Normally a set's compression begins after every rename of the set (and after postrotate, the writers'
/// signal and their closing). When the set has none of those in between, a log's compression depends on
/// nothing but its own renames, so the workers may start on it as soon as they are done, while this
/// thread renames the next logs: the renames, the directory syncs and the state file then overlap the
/// compression instead of coming before it. Its outputs are still committed only after all of that,
/// exactly as before, so what a crash at any point leaves is unchanged (an unnamed output vanishes).
///
/// A step is released after the last unit whose rotate steps name its source or its destination (its
/// own unit, unless two logs of the set share names, which only odd globs do). Pure: no file system.
struct EarlyCompression {
    /// The set's compress steps, in the order of its units and logs.
    let steps: [Action]
    /// The unit each step belongs to.
    let unitOf: [Int]
    /// The last unit whose rotate steps name the step's source or destination.
    let releaseAfter: [Int]
    /// Steps released so far: `releaseAfter` of every step below is at most the last unit done.
    private(set) var released = 0

    /// Nil when the set's compression must wait for the whole rotation: a script after the renames
    /// (postrotate, preremove), writers to signal or wait for, renamecopy's copy, `su` (the workers
    /// would create files as whoever this thread is at the moment), an olddir still to be made, or
    /// fewer than `minimum` steps (too few to gain anything, and committed file by file).
    init?(units: [RotationUnit], plan: SetPlan, config: LogSetConfig, minimum: Int) {
        guard config.su == nil, plan.notify == nil, plan.preRemove == nil,
              !units.contains(where: { $0.postRotate != nil }) else { return nil }
        var steps: [Action] = []
        var unitOf: [Int] = []
        var lastUnit: [String: Int] = [:]   // path → last unit whose rotate steps name it
        for (id, unit) in units.enumerated() {
            for log in unit.logs {
                for step in log.rotateSteps {
                    if case .makeDirectory = step { return nil }
                    if let path = step.primaryPath { lastUnit[path] = id }
                    if let path = step.targetPath { lastUnit[path] = id }
                }
                for step in log.finishSteps {
                    switch step {
                    case .compress:
                        steps.append(step)
                        unitOf.append(id)
                    case .remove, .capTotalSize:
                        continue
                    default:
                        return nil
                    }
                }
            }
        }
        guard steps.count >= minimum else { return nil }
        self.steps = steps
        self.unitOf = unitOf
        releaseAfter = zip(steps, unitOf).map { step, unit in
            guard case .compress(let source, let destination) = step else { return unit }
            return max(unit, lastUnit[source] ?? unit, lastUnit[destination] ?? unit)
        }
    }

    /// Records that unit `id` has done its rotate steps (`ok` false: it failed, and its steps are not to
    /// run); returns how many steps are released (a prefix) and which of them are newly cancelled.
    mutating func unitDone(_ id: Int, ok: Bool) -> (released: Int, cancelling: [Int]) {
        while released < steps.count && releaseAfter[released] <= id { released += 1 }
        return (released, ok ? [] : unitOf.indices.filter { unitOf[$0] == id })
    }
}
