#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim

/// Gathers `rotatectl status`: the planner's decisions on a fresh snapshot (without `--force`), each
/// log's generations, and whether its directory has an unfinished journal or a held lock. Read-only.
public struct StatusCollector {
    public var statePath: String
    public var now: Int64?
    public init(statePath: String, now: Int64? = nil) { self.statePath = statePath; self.now = now }

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
        let sets = configuration.logSets.filter { !configuration.brokenFiles.contains($0.location.file) }
        let (state, stateWarnings) = StateStore.load(path: statePath)
        let snapshot = SnapshotReader().read(sets)
        let planner = Planner(PlannerInput(logSets: sets, snapshot: snapshot, state: state,
                                           now: now ?? Int64(time(nil)), timeZone: LocalTimeZone(), asRoot: getuid() == 0))
        var report = StatusReport()
        report.warnings = stateWarnings + snapshot.warnings
        var locks: [String: (Bool, Int32?)] = [:]
        for config in sets {
            let name = config.patterns.joined(separator: " ")
            let (groups, unmatched, _) = planner.matches(of: config)
            // Paths made one at a time from the glob's matches, not all at once.
            var next = (group: 0, k: 0, missing: 0)
            func nextPath() -> (String, String, FileStatus?)? {
                while next.group < groups.count {
                    let g = groups[next.group]
                    if next.k < g.count {
                        defer { next.k += 1 }
                        return (g.path(g.name(next.k)), g.directory, g.status(next.k))
                    }
                    next = (next.group + 1, 0, 0)
                }
                guard !config.missingOK, next.missing < unmatched.count else { return nil }
                defer { next.missing += 1 }
                let path = unmatched[next.missing]
                return (path, PathName.split(path).0, nil)
            }
            while let (path, directory, status) = nextPath() {
                let (decision, st) = planner.decide(path, in: directory, status: status, config)
                let gens = planner.generations(of: path, config)
                let dir = PathName.split(path).0
                if locks[dir] == nil { locks[dir] = lockState(dir) }
                let last = state[path]
                each(LogStatus(
                    set: name, path: path, exists: st != nil, size: st?.size ?? 0, lastRotated: last,
                    due: decision.rotate, reason: decision.reason,
                    nextDue: planner.nextDue(config, last: last ?? planner.input.now),
                    generations: gens.map(\.0), generationBytes: gens.reduce(0) { $0 + $1.1.size },
                    cap: config.maxTotalSize,
                    journalPending: snapshot.directories[dir]?[JournalFile.name] != nil,
                    lockHolder: locks[dir]?.1, lockHeld: locks[dir]?.0 ?? false, error: decision.error))
            }
        }
        return report
    }

    /// Whether another process holds the directory's lock (`F_OFD_GETLK`), and the pid it wrote.
    func lockState(_ dir: String) -> (Bool, Int32?) {
        guard let handle = try? DirectoryHandle.open(dir, followLast: true),
              let st = try? handle.status(DirectoryLock.fileName), st.kind == .regular,
              let fd = try? handle.openFile(DirectoryLock.fileName, O_RDONLY) else { return (false, nil) }
        defer { _ = try? fd.close() }
        var holder: pid_t = 0
        guard rotatectl_ofd_getlk(fd.rawValue, &holder) == 1 else { return (false, nil) }
        let text = (try? fd.read(upTo: 64, at: 0, path: dir)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (true, text.split(separator: " ").first.flatMap { Int32($0) })
    }
}
