#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim

/// Gathers `rotatectl status`: the planner's decisions on a fresh snapshot (without `--force`), each
/// log's generations, and whether its directory has an unfinished journal or a held lock. Read-only.
public struct StatusCollector {
    public var statePath: String
    public var now: Int64?
    /// logrotate still scheduled on the host: each log it names too is marked, and one warning says so.
    public var besideLogrotate: BesideLogrotate?
    public init(statePath: String, now: Int64? = nil, besideLogrotate: BesideLogrotate? = nil) {
        self.statePath = statePath; self.now = now; self.besideLogrotate = besideLogrotate
    }

    /// Every log's status, gathered into one report.
    public func collect(_ configuration: Configuration) -> StatusReport {
        var logs: [LogStatus] = []
        var report = collect(configuration) { logs.append($0) }
        report.logs = logs
        return report
    }

    /// Hands each log's status to `each` as it is made, without keeping it: `status` over 100,000 logs
    /// holds one at a time. The report returned has the warnings and no logs.
    public func collect(_ configuration: Configuration, each: (LogStatus) -> Void) -> StatusReport {
        let sets = configuration.logSets
        let (state, stateWarnings) = StateStore.load(path: statePath)
        let snapshot = SnapshotReader().read(sets)
        let planner = Planner(PlannerInput(logSets: sets, snapshot: snapshot, state: state,
                                           now: now ?? Int64(wallClockNow()), timeZone: LocalTimeZone(), asRoot: ProcessIdentity.isRoot))
        var report = StatusReport()
        report.warnings = stateWarnings
        report.watcher = WatcherFile.running(statePath: statePath)
        var locks: [String: (Bool, Int32?)] = [:]
        var shared: [String] = []
        for config in sets {
            let name = config.patterns.joined(separator: " ")
            let (groups, unmatched, _) = planner.matches(of: config)
            /// One log's status, handed to `each`; paths are made one at a time from the glob's matches.
            func describe(_ path: String, in dir: String, status: FileStatus?) {
                let (decision, st) = planner.decide(path, in: dir, status: status, config)
                let gens = planner.generations(of: path, config)
                if locks[dir] == nil { locks[dir] = lockState(dir) }
                let last = state[path]
                let alsoLogrotate = besideLogrotate?.alsoRotates(path) ?? false
                if alsoLogrotate { shared.append(path) }
                each(LogStatus(
                    set: name, path: path, exists: st != nil, size: st?.size ?? 0, lastRotated: last,
                    due: decision.rotate, reason: decision.reason,
                    nextDue: decision.rotate ? planner.nextDue(config, last: last ?? planner.input.now)
                        : planner.nextTrigger(config, last: last ?? planner.input.now),
                    generations: gens.map(\.0), generationBytes: gens.reduce(0) { $0 + $1.1.size },
                    cap: config.maxTotalSize,
                    journalPending: snapshot.directories[dir].map { !$0.entries(prefix: JournalFile.name).keys.filter(OwnFiles.isJournal).isEmpty } ?? false,
                    lockHolder: locks[dir]?.1, lockHeld: locks[dir]?.0 ?? false, error: decision.error,
                    alsoLogrotate: alsoLogrotate))
            }
            for g in groups {
                for k in 0..<g.count { describe(g.path(g.name(k)), in: g.directory, status: g.status(k)) }
            }
            for path in config.missingOK ? [] : unmatched { describe(path, in: PathName.split(path).0, status: nil) }
        }
        if let warning = besideLogrotate?.warning(shared) { report.warnings.append(warning.message) }
        return report
    }

    /// Whether another process holds the directory's lock (`F_OFD_GETLK`), and the pid it wrote.
    func lockState(_ dir: String) -> (Bool, Int32?) {
        guard let handle = try? DirectoryHandle.open(dir, followLast: true),
              let st = try? handle.status(DirectoryLock.fileName), st.kind == .regular,
              let fd = try? handle.openRegular(DirectoryLock.fileName, O_RDONLY) else { return (false, nil) }
        let path = handle.child(DirectoryLock.fileName)
        defer { _ = try? fd.close(path: path) }
        guard fd.conflictingLock(path: path)?.held == true else { return (false, nil) }
        return (true, LockHolder.read(fd, path: path).pid)
    }
}
