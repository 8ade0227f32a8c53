#if canImport(Glibc)
import Glibc
#endif
import Logging

/// What the parts of one run share: its options and clock, where its events go, the directories it has
/// open, the state file, and what it learnt on the way (directories found busy, what each set was planned
/// on). Each part (`SetExecution`, `GroupExecution`, `JournalReplay`, `StepRunner`, `CompressionCommit`)
/// returns what it did; none of them sets a flag here.
final class RunContext {
    let options: RunOptions
    let logger: Logger?
    private let observer: (RunEvent) -> Void
    /// Every event of the run, in order.
    private(set) var events: [RunEvent] = []
    let directories = DirectoryCache()
    lazy var steps = StepExecutor(directories: directories, logger: logger)
    let now: Int64
    /// Directories whose lock or journal stayed busy past `--wait` in this run: not waited for again.
    var busyDirectories = Set<String>()
    /// What each set with work was planned on, by set index (see `PlannedInputs`).
    var plannedInputs: [Int: PlannedInputs] = [:]
    /// The state file, read once for the run and written at its end (see `StateSession`).
    lazy var stateSession = StateSession(path: options.statePath, timeout: options.stateLockTimeout, now: now, runLock: stateFileLock)
    /// The run-wide lock on the state file, taken before the state is first read (`lockStateFile`).
    var stateFileLock: StateFileLock?
    /// Whether `stateFileLock` is the lease's (`RunOptions.stateLockLease`), given back rather than released.
    var leasedStateLock = false

    init(options: RunOptions, logger: Logger?, observer: @escaping (RunEvent) -> Void) {
        self.options = options
        self.logger = logger
        self.observer = observer
        now = options.now ?? Int64(wallClockNow())
    }

    func emit(_ event: RunEvent) {
        events.append(event)
        observer(event)
    }

    /// The outcome of `body`, judged by the events it emitted.
    func outcome(of body: () -> Void) -> Outcome {
        let first = events.count
        body()
        return Outcome(events[first...])
    }

    var verbose: Bool { options.verbose || options.json }

    func input(_ sets: [LogSetConfig], _ snapshot: Snapshot, _ state: StateTable) -> PlannerInput {
        var input = PlannerInput(logSets: sets, snapshot: snapshot, state: state, now: now, timeZone: options.timeZone,
                                 force: options.force, asRoot: options.asRoot)
        input.keepIdleDecisions = options.verbose || options.json || options.dryRun
        return input
    }

    /// The planner's decisions on a set: its errors (a log it refuses), and with `-v` or `--json` the rest.
    /// A log another run is rotating now (a journal it holds names it) is busy, not refused: what the
    /// planner saw was that run's rotation half done (renamecopy's temporary name, the log renamed away
    /// and not yet made again), which that run finishes.
    func reportDecisions(_ plan: SetPlan) {
        for d in plan.decisions {
            if let error = d.error {
                if let journal = heldJournal(naming: d.path) {
                    reportLockFailure(.journalInUse(path: journal), plan.name, waited: 0)
                    continue
                }
                emit(RunEvent(.error, .logRefused, set: plan.name, error, path: d.path))
            } else if verbose {
                emit(RunEvent(.decision, set: plan.name, "\(d.path): \(d.reason)\(d.rotate ? ": rotating" : "")", path: d.path))
            }
            for w in d.warnings { emit(RunEvent(.warning, .generationSetAside, set: plan.name, w, path: d.path)) }
        }
    }

    /// The journal path of `path`'s directory when a run still going holds a journal there naming it
    /// (or one it cannot read as ours, which could name anything); nil otherwise.
    func heldJournal(naming path: String) -> String? {
        let dir = PathName.split(path).0
        guard let handle = try? directories.handle(dir) else { return nil }
        if let busy = JournalFile.pathsHeldByOtherRuns(handle), !busy.contains(path) { return nil }
        return handle.child(JournalFile.name)
    }

    func exists(_ path: String) -> Bool {
        guard let (dir, name) = try? directories.locate(path) else { return false }
        return ((try? dir.status(name)) ?? nil) != nil
    }

    /// fsyncs the directories changed since the last call; whether that went well (a failure is reported).
    @discardableResult
    func syncChanged(_ set: String) -> Bool {
        do {
            try steps.syncDirectories()
            return true
        } catch {
            emit(RunEvent(.error, .syncFailed, set: set, "\(error)", path: error.path, system: error))
            return false
        }
    }

    /// The non-root owners of a set's logs (those named without wildcards) and of their directories,
    /// and its `su` user: whose pid files the set may trust besides root's. Nil without a configuration.
    func logOwners(_ config: LogSetConfig?) -> Set<UInt32>? {
        guard let config else { return nil }
        var owners: Set<UInt32> = []
        if let su = config.su { owners.insert(su.uid) }
        for pattern in config.patterns {
            let (dir, name) = PathName.split(pattern)
            guard !Glob.hasWildcard(Substring(dir)), let handle = try? directories.handle(dir) else { continue }
            if let st = try? handle.status() { owners.insert(st.uid) }
            if !Glob.hasWildcard(Substring(name)), let st = try? handle.status(name) { owners.insert(st.uid) }
        }
        owners.remove(0)
        return owners
    }
}

/// What a set's plan was made on: the fingerprint of its part of the snapshot and the state entries of
/// its due logs. Under the lock, the same inputs mean the same plan (the planner is pure), so the set is
/// not planned a second time.
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
