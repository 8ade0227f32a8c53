#if canImport(Glibc)
import Glibc
#endif
import Logging

/// One run of rotatectl: plans every log set, then, set by set, takes the directory locks, finishes any
/// journal left by a crash, journals and applies the steps, signals writers, compresses, saves state.
/// Scripts run with the locks released. Consecutive sets without scripts run as one group
/// (`executeGroup`), which pays those per-set costs once.
public final class Runner {
    let options: RunOptions
    let logger: Logger?
    let observer: (RunEvent) -> Void
    var report = RunReport()
    var configError = false
    var lockBusy = false
    var setFailed = false
    let directories = DirectoryCache()
    lazy var steps = StepExecutor(directories: directories, logger: logger)
    var now: Int64 = 0
    /// Replaying a journal: steps the file system shows as moot are expected, not warnings.
    var recovering = false
    /// Set when a compressed output could not be made durable after it was named: the set's journal is
    /// then left for the next run to finish (see `dropUnsynced`).
    var keepJournal = false
    /// What each set with work was planned on, by set index: the fingerprint of its part of the
    /// snapshot and the state entries of its due logs. Under the lock, the same inputs mean the same
    /// plan (the planner is pure), so the set is not planned a second time.
    var plannedInputs: [Int: PlannedInputs] = [:]
    /// Directories whose lock or journal stayed busy past `--wait` in this run.
    var busyDirectories = Set<String>()
    /// The state file, read once for the run and written at its end (see `StateSession`).
    lazy var stateSession = StateSession(path: options.statePath, timeout: options.wait)

    struct PlannedInputs: Equatable {
        var fingerprint: Int
        var states: [Int64?]

        /// What `plan`, of `set`, was made on in `snapshot` and `state` (`digests`: of the snapshot's
        /// directories, kept from one set to the next, see `Snapshot.fingerprint(of:digests:)`).
        init(_ set: LogSetConfig, _ plan: SetPlan, _ snapshot: Snapshot, _ state: StateTable, digests: inout [String: Int]) {
            fingerprint = snapshot.fingerprint(of: set, digests: &digests)
            states = plan.rotatedPaths.map { state[$0] }
        }
    }

    public init(options: RunOptions, logger: Logger? = nil, observer: @escaping (RunEvent) -> Void = { _ in }) {
        self.options = options
        self.logger = logger
        self.observer = observer
    }

    func emit(_ event: RunEvent) {
        report.events.append(event)
        observer(event)
    }

    public func run(_ configuration: Configuration) -> RunReport {
        let clock = monotonicNow()
        now = options.now ?? Int64(time(nil))
        report.startedAt = now
        report.dryRun = options.dryRun
        for d in configuration.diagnostics {
            emit(RunEvent(d.severity == .error ? .error : .warning, d.message, location: d.location.description))
            if d.severity == .error { configError = true }
        }
        let sets = configuration.logSets.filter { !configuration.brokenFiles.contains($0.location.file) }
        // The snapshot lives only while planning: for a glob of 100,000 logs it is most of the memory,
        // and executing a set reads what it needs again under the lock. The state stays in `stateSession`.
        let plans = planAll(sets)
        if options.dryRun {
            for plan in plans { describe(plan) }
        } else {
            for group in groups(plans, sets) {
                if group.count == 1 {
                    execute(group[0].plan, group[0].config)
                } else {
                    executeGroup(group)
                }
            }
        }
        if !options.dryRun { finishState() }
        FaultInjection.finish()
        report.exitStatus = ExitStatus.combine(configError: configError, lockBusy: lockBusy, setFailed: setFailed)
        report.seconds = monotonicNow() - clock
        return report
    }

    /// Reads the state and the snapshot, finishes the journals a crash left, and plans every set.
    func planAll(_ sets: [LogSetConfig]) -> [SetPlan] {
        for w in stateSession.takeWarnings() { emit(RunEvent(.warning, w)) }
        var snapshot = SnapshotReader().read(sets)
        for w in snapshot.warnings { emit(RunEvent(.warning, w)) }
        if !options.dryRun && recoverFirst(snapshot) { snapshot = SnapshotReader().read(sets) }
        // Read after recovery, which records the rotations it finished.
        let state = currentState()
        let plans = Planner(input(sets, snapshot, state)).plan()
        stateSession.expectGrowth(plans.reduce(0) { $0 + PendingMarks.estimatedSize(of: $1.rotatedPaths) + PendingMarks.estimatedSize(of: $1.newStateLogs) })
        var digests: [String: Int] = [:]
        for plan in plans where plan.hasWork && !options.dryRun {
            plannedInputs[plan.index] = PlannedInputs(sets[plan.index], plan, snapshot, state, digests: &digests)
        }
        return plans
    }

    /// The most directories a group locks at once: each holds a lock and a journal descriptor besides
    /// its directory's, and the soft `RLIMIT_NOFILE` is often 1,024.
    static let groupDirectoryLimit = 128

    /// The plans in order, consecutive `groupable` sets together (see `executeGroup`), every other set
    /// alone. A set naming a path that a set of the group already names starts a new group, so that
    /// no set is planned under the lock before the steps of another one on the same files; so does one
    /// that would take the group past `groupDirectoryLimit` directories.
    func groups(_ plans: [SetPlan], _ sets: [LogSetConfig]) -> [[(plan: SetPlan, config: LogSetConfig)]] {
        var groups: [[(plan: SetPlan, config: LogSetConfig)]] = []
        var named = Set<String>()
        var locked = Set<String>()
        var open = false
        for plan in plans {
            let config = sets[plan.index]
            guard groupable(plan, config) else {
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

    func input(_ sets: [LogSetConfig], _ snapshot: Snapshot, _ state: StateTable) -> PlannerInput {
        var input = PlannerInput(logSets: sets, snapshot: snapshot, state: state, now: now, timeZone: options.timeZone,
                                 force: options.force, asRoot: options.asRoot)
        input.keepIdleDecisions = options.verbose || options.json || options.dryRun
        return input
    }

    /// `--dry-run`: the decisions and the exact steps, changing nothing and taking no lock.
    func describe(_ plan: SetPlan) {
        reportDecisions(plan)
        if plan.firstAction != nil { emit(RunEvent(.script, set: plan.name, "would run firstaction script")) }
        for unit in plan.units {
            if unit.preRotate != nil { emit(RunEvent(.script, set: plan.name, "would run prerotate script")) }
            for log in unit.logs { for step in log.rotateSteps { emitPlanned(step, plan) } }
            if unit.postRotate != nil { emit(RunEvent(.script, set: plan.name, "would run postrotate script")) }
        }
        if let n = plan.notify { emitPlanned(n, plan) }
        for unit in plan.units { for log in unit.logs { for step in log.finishSteps { emitPlanned(step, plan) } } }
        if plan.lastAction != nil { emit(RunEvent(.script, set: plan.name, "would run lastaction script")) }
    }

    func emitPlanned(_ step: Action, _ plan: SetPlan) {
        emit(RunEvent(.action, set: plan.name, step.summary, action: step.kindName, path: step.primaryPath,
                      target: step.targetPath))
    }

    func reportDecisions(_ plan: SetPlan) {
        for d in plan.decisions {
            if let error = d.error {
                emit(RunEvent(.error, set: plan.name, error, path: d.path))
                setFailed = true
            } else if options.verbose || options.json {
                emit(RunEvent(.decision, set: plan.name, "\(d.path): \(d.reason)\(d.rotate ? ": rotating" : "")", path: d.path))
            }
        }
    }
}

extension Action {
    /// The JSON `action` name of a step.
    public var kindName: String {
        switch self {
        case .rename: return "rename"
        case .create: return "create"
        case .copy: return "copy"
        case .copyTruncate: return "copytruncate"
        case .compress: return "compress"
        case .remove: return "remove"
        case .makeDirectory: return "mkdir"
        case .notify: return "signal"
        case .awaitWriters: return "wait"
        case .capTotalSize: return "cap"
        }
    }

    /// The file a step produces, where it names one.
    public var targetPath: String? {
        switch self {
        case .rename(_, let t, _), .copy(_, let t), .copyTruncate(_, let t), .compress(_, let t): return t
        default: return nil
        }
    }

    public var primaryPath: String? {
        switch self {
        case .rename(let p, _, _), .create(let p, _, _, _), .copy(let p, _), .copyTruncate(let p, _),
             .compress(let p, _), .remove(let p, _, _), .makeDirectory(let p, _, _, _), .awaitWriters(let p):
            return p
        case .notify(let files, _): return files.first
        case .capTotalSize(let g, _): return g.first
        }
    }
}
