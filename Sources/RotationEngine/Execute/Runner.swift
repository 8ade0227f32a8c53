import Logging

/// One run of rotatectl, as a short sequence:
///
///     load state → snapshot → replay crashed runs' journals → plan every set (pure)
///     → per set, or group of script-less sets: SetExecution / GroupExecution → outcome
///     → write the state file once → exit status from the outcomes
///
/// See ARCHITECTURE.md for where each step lives.
public final class Runner {
    let context: RunContext

    public init(options: RunOptions, logger: Logger? = nil, observer: @escaping (RunEvent) -> Void = { _ in }) {
        context = RunContext(options: options, logger: logger, observer: observer)
    }

    public func run(_ configuration: Configuration) -> RunReport {
        let clock = monotonicNow()
        let options = context.options
        var outcome = context.outcome {
            for d in configuration.diagnostics {
                if d.severity == .note {
                    // Shown with --verbose (logrotate's -d, -v) only, as logrotate prints its notes.
                    context.emit(RunEvent(.decision, set: "", "note: " + d.message, location: d.location.description))
                    continue
                }
                let code: EventCode = d.droppedPatterns != nil ? .configDropped : d.severity == .error ? .configInvalid : .configWarning
                context.emit(RunEvent(d.severity == .error ? .error : .warning, code, set: d.droppedPatterns?.joined(separator: " ") ?? "",
                                      d.message, location: d.location.description))
            }
        }
        // Held until the run ends, scripts included, as logrotate holds it: a nested run on the same state
        // file fails at once (exit 3) rather than waiting for a lock its parent holds.
        let locked = context.outcome { context.lockStateFile() }
        outcome = outcome + locked
        defer { context.releaseStateFile() }
        // Another run holding the state file: nothing is read, planned or written.
        if !locked.busy { outcome = outcome + work(configuration.logSets) }
        FaultInjection.finish()
        var report = RunReport()
        report.events = context.events
        report.startedAt = context.now
        report.dryRun = options.dryRun
        report.exitStatus = outcome.exitStatus
        report.seconds = monotonicNow() - clock
        return report
    }

    /// Plans every set, then describes the plans (a dry run) or executes them and writes the state.
    /// `sets` has no block with an error: the parser dropped it, and only it (rotatectl.conf(5) Errors).
    func work(_ sets: [LogSetConfig]) -> Outcome {
        // The snapshot lives only while planning: for a glob of 100,000 logs it is most of the memory,
        // and executing a set reads what it needs again under the lock. The state stays in `stateSession`.
        var plans: [SetPlan] = []
        var outcome = context.outcome { plans = planAll(sets) }
        if let only = context.options.onlySets { plans.removeAll { !only.contains($0.index) } }
        if context.options.dryRun {
            return outcome + context.outcome { for plan in plans { DryRun(context: context).describe(plan, sets[plan.index]) } }
        }
        for group in groups(plans, sets) {
            if group.count == 1 {
                outcome = outcome + SetExecution(context: context, plan: group[0].plan, config: group[0].config).run()
            } else {
                outcome = outcome + GroupExecution(context: context, members: group).run()
            }
        }
        return outcome + context.outcome { context.finishState() }
    }

    /// Reads the state and the snapshot, finishes the journals a crash left, and plans every set.
    func planAll(_ sets: [LogSetConfig]) -> [SetPlan] {
        context.reportStateWarnings()
        var snapshot = SnapshotReader().read(sets)
        if !context.options.dryRun && JournalReplay(context: context).recoverFirst(snapshot) { snapshot = SnapshotReader().read(sets) }
        // Read after recovery, which records the rotations it finished.
        let state = context.currentState()
        let plans = Planner(context.input(sets, snapshot, state)).plan()
        if let beside = context.options.besideLogrotate, let warning = beside.warning(plans.flatMap(\.rotatedPaths)) {
            context.emit(warning)
        }
        context.stateSession.expectGrowth(plans.reduce(0) { $0 + PendingMarks.estimatedSize(of: $1.rotatedPaths) + PendingMarks.estimatedSize(of: $1.newStateLogs) })
        var digests: [String: Int] = [:]
        for plan in plans where plan.hasWork && !context.options.dryRun {
            context.plannedInputs[plan.index] = PlannedInputs(sets[plan.index], plan, snapshot, state, digests: &digests)
        }
        return plans
    }

    /// The most directories a group locks at once: each holds a lock and a journal descriptor besides
    /// its directory's, and the soft `RLIMIT_NOFILE` is often 1,024.
    static let groupDirectoryLimit = 128

    /// The plans in order, consecutive `GroupExecution.groupable` sets together, every other set alone. A
    /// set naming a path that a set of the group already names starts a new group, so that no set is
    /// planned under the lock before the steps of another one on the same files; so does one that would
    /// take the group past `groupDirectoryLimit` directories.
    func groups(_ plans: [SetPlan], _ sets: [LogSetConfig]) -> [[(plan: SetPlan, config: LogSetConfig)]] {
        var groups: [[(plan: SetPlan, config: LogSetConfig)]] = []
        var named = Set<String>()
        var locked = Set<String>()
        var open = false
        for plan in plans {
            let config = sets[plan.index]
            guard GroupExecution.groupable(plan, config) else {
                groups.append([(plan, config)])
                open = false
                continue
            }
            let paths = plan.steps.flatMap { [$0.primaryPath, $0.targetPath].compactMap { $0 } }
            let more = plan.directories.filter { !locked.contains($0) }.count
            if !open || !named.isDisjoint(with: paths) || (locked.count + more > Self.groupDirectoryLimit && !locked.isEmpty) {
                groups.append([])
                named = []
                locked = []
                open = true
            }
            groups[groups.count - 1].append((plan, config))
            named.formUnion(paths)
            locked.formUnion(plan.directories)
        }
        return groups
    }
}
