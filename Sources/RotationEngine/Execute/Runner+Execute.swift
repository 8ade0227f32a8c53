#if canImport(Glibc)
import Glibc
#endif
import Logging

extension Runner {
    /// The directories of a set and their locks while held.
    struct Held {
        var handles: [DirectoryHandle]
        var locks: [DirectoryLock]
    }

    /// One log set, as described on `Runner`.
    func execute(_ first: SetPlan, _ config: LogSetConfig) {
        reportDecisions(first)
        let scripts = ScriptRunner(outputToStderr: options.json)
        /// Runs a script; a failure is reported (naming `subject`, followed by `consequence`) and is false.
        func run(_ script: ScriptRun?, _ subject: String, _ consequence: String = "") -> Bool {
            guard let script, let failure = scripts.run(script) else { return true }
            emit(RunEvent(.error, set: first.name, "\(subject): \(failure)\(consequence)"))
            setFailed = true
            return false
        }
        guard first.hasWork else {
            saveState(first.name, marks: [], newLogs: first.newStateLogs)
            // A due log that could not be rotated still runs the set's first and last actions, as logrotate does.
            if run(first.firstAction, first.name) { _ = run(first.lastAction, first.name) }
            return
        }
        guard stateWritable(first) else { return }
        guard var locks = lock(first) else { return }
        recoverJournals(locks)
        if unfinishedJournal(locks, first) { release(&locks); return }
        var failedUnits = Set<String>()
        if first.firstAction != nil || first.units.contains(where: { $0.preRotate != nil }) {
            release(&locks)
            if !run(first.firstAction, first.name, "; log set skipped") { return }
            for unit in first.units where !run(unit.preRotate, unit.logs.map(\.path).joined(separator: " "), "; not rotated") {
                failedUnits.formUnion(unit.logs.map(\.path))
            }
            guard let again = lock(first) else { return }
            locks = again
            recoverJournals(locks)
            if unfinishedJournal(locks, first) { release(&locks); return }
        }
        // Plan again under the lock: what we do is decided on what is on disk now. The state is read
        // first so that its file's bytes are gone before the listings are taken.
        let state = currentState()
        let snapshot = SnapshotReader().read([config])
        if let swapped = replacedDirectory(locks.handles, snapshot) {
            reportReplaced(swapped, first.name)
            release(&locks)
            return
        }
        var digests: [String: Int] = [:]
        let units = replan(first, config, snapshot, state, digests: &digests, dropping: failedUnits)
        guard let home = locks.handles.first else { release(&locks); return }
        let journal = JournalFile(home)
        var active: [(id: Int, unit: RotationUnit)] = []
        var marks: [StateMark] = []
        // Every unit's block in one write and one fsync, then every rename, then one fsync per directory.
        let blocks = journalBlocks(units, first, config, from: 0)
        let user = config.su.map { Privileges(uid: $0.uid, gid: $0.gid) }
        let reserve = JournalReserve(home)
        do {
            try user?.assume()
            try writeJournal(journal, blocks, reserve, first.name)
        } catch {
            user?.restore()
            emit(RunEvent(.error, set: first.name, "\(error); log set not rotated"))
            setFailed = true
            release(&locks)
            return
        }
        FaultInjection.point("journal written")
        var failedIDs: [JournalBlock] = []
        // When nothing stands between a log's renames and its compression, the workers start on each
        // log as soon as it is renamed, while this thread goes on with the others.
        var early = EarlyCompression(units: units, plan: first, config: config, minimum: CompressionBatch.groupMinimum)
        let batch = early.map { startCompression($0.steps, first.name, config, gated: true) }
        for (id, unit) in units.enumerated() {
            let ok = rotate(unit, first.name, config)
            if let done = early?.unitDone(id, ok: ok) {
                batch?.release(belowStep: done.released, cancelling: done.cancelling)
            }
            if ok {
                active.append((id, unit))
                marks += unit.logs.map { StateMark(path: $0.path, time: now) }
            } else {
                setFailed = true
                failedIDs.append(.cancel(id: id))
            }
        }
        syncChanged(first.name)
        if !failedIDs.isEmpty { try? journal.append(failedIDs) }
        user?.restore()
        let recorded = saveState(first.name, marks: marks, newLogs: first.newStateLogs)
        FaultInjection.point("state saved")
        // Post-rotation scripts run unlocked; a failure keeps the renames but skips compression and removal.
        var cancelled = Set<Int>()
        let removals = active.flatMap { $0.unit.logs.flatMap(\.removals) }
        if active.contains(where: { $0.unit.postRotate != nil }) || (first.preRemove != nil && !removals.isEmpty) {
            assert(batch == nil, "compression never starts early in a set with postrotate or preremove")
            release(&locks)
            for (id, unit) in active where !run(unit.postRotate, unit.logs.map(\.path).joined(separator: " "),
                                                  "; rotated, but not compressed and old logs kept") {
                cancelled.insert(id)
            }
            var vetoed = Set<String>()
            if var s = first.preRemove {
                for (id, unit) in active where !cancelled.contains(id) {
                    for path in unit.logs.flatMap(\.removals).sorted() {
                        s.arguments = [path]
                        if !run(s, path, "; kept") { vetoed.insert(path) }
                    }
                }
            }
            guard let again = lock(first) else { return }
            locks = again
            if !assume(user, first.name, journal) { release(&locks); return }
            if !cancelled.isEmpty { try? journal.append(cancelled.sorted().map { .cancel(id: $0) }) }
            finish(active.filter { !cancelled.contains($0.id) }.map(\.unit), first, config, keeping: vetoed)
        } else {
            if !assume(user, first.name, journal) {
                if let batch { _ = commitCompression(batch, first.name, config) }   // its workers wait for it
                release(&locks)
                return
            }
            finish(active.map(\.unit), first, config, keeping: [], started: batch)
        }
        let unsynced = keepJournal
        keepJournal = false
        close(journal, reserve, recorded: recorded, unsynced: unsynced, first.name)
        user?.restore()
        release(&locks)
        _ = run(first.lastAction, first.name)
    }

    /// The units of `first` to rotate now, under the lock: planned again on `snapshot` and `state` (read
    /// under it), unless nothing the plan was made on has changed (the planner is pure, so the plan
    /// stands). A log no longer due is reported and dropped, and so are the logs of `failed`.
    /// `digests`: of the snapshot's directories, for the next sets planned on the same snapshot.
    func replan(_ first: SetPlan, _ config: LogSetConfig, _ snapshot: Snapshot, _ state: StateTable,
                digests: inout [String: Int], dropping failed: Set<String>) -> [RotationUnit] {
        let unchanged = plannedInputs[first.index] == PlannedInputs(config, first, snapshot, state, digests: &digests)
        let fresh = unchanged ? first.units : Planner(input([config], snapshot, state)).plan().first?.units ?? []
        var current: [String: LogRotation] = [:]
        for unit in fresh { for log in unit.logs { current[log.path] = log } }
        var units: [RotationUnit] = []
        for unit in first.units {
            var u = unit
            u.logs = unit.logs.compactMap { log in
                if failed.contains(log.path) { return nil }
                guard let now = current[log.path] else {
                    emit(RunEvent(.decision, set: first.name, "\(log.path): no longer due (rotated meanwhile by another run)", path: log.path))
                    return nil
                }
                return now
            }
            if !u.logs.isEmpty { units.append(u) }
        }
        return units
    }

    /// The journal blocks of a set's units, numbered from `firstID`: each unit's steps, with the set's
    /// policy. The writer signal is journalled with each unit, between its renames and what follows
    /// them, so that a run killed before signalling has the next run signal the writers before it
    /// compresses.
    func journalBlocks(_ units: [RotationUnit], _ plan: SetPlan, _ config: LogSetConfig, from firstID: Int) -> [JournalBlock] {
        let policy = JournalPolicy(config)
        let signal = plan.notify.map { [$0] } ?? []
        return units.enumerated().map { id, unit in
            JournalBlock.unit(id: firstID + id, directories: plan.directories,
                              steps: unit.logs.flatMap(\.rotateSteps) + signal + unit.logs.flatMap(\.finishSteps),
                              state: unit.logs.map { StateMark(path: $0.path, time: now) }, policy: policy)
        }
    }

    /// Appends `blocks` to the journal; on a full file system, gives back the reserve and tries again.
    func writeJournal(_ journal: JournalFile, _ blocks: [JournalBlock], _ reserve: JournalReserve, _ set: String) throws(SystemError) {
        // Whatever lies at a copytruncate's temporary name now is not this rotation's copy: it goes before
        // the journal exists, so that a replay can take what it finds there for the crashed run's own.
        for case .unit(_, _, let steps, _, _) in blocks {
            for case .copyTruncate(_, let to) in steps {
                guard let (dir, name) = try? directories.locate(to) else { continue }   // an olddir still to make
                let temp = StepExecutor.temporaryName(for: name)
                if try dir.status(temp) != nil { try dir.remove(temp) }
            }
        }
        do {
            try journal.append(blocks)
        } catch where (error.errno == .noSpace || error.errno == .diskQuotaExceeded) && reserve.release() {
            emit(RunEvent(.warning, set: set, "\(journal.directory.path): file system full: using the space reserved for the journal (\(reserve.path))"))
            try journal.append(blocks)
        }
    }

    /// Applies a unit's rotate steps, stopping at the first that fails; whether all were done.
    func rotate(_ unit: RotationUnit, _ set: String, _ config: LogSetConfig) -> Bool {
        for log in unit.logs {
            for step in log.rotateSteps where !perform(step, set, config) { return false }
        }
        return true
    }

    /// At the end of a rotation: removes its journal (then makes sure the reserve is there again), or
    /// keeps it for the next run when the state marks were not `recorded` or a compressed output could
    /// not be made durable (`unsynced`).
    func close(_ journal: JournalFile, _ reserve: JournalReserve, recorded: Bool, unsynced: Bool, _ set: String) {
        if !recorded || unsynced {
            journal.release()
            let why = recorded ? "finishes the compression a failed sync left" : "records the rotation in the state"
            emit(RunEvent(.warning, set: set, "\(journal.path): kept, so that the next run \(why)", path: journal.path))
            return
        }
        do {
            try journal.remove()
            FaultInjection.point("journal removed")
            reserve.ensure()
        } catch {
            emit(RunEvent(.error, set: set, "\(error)"))
            setFailed = true
        }
    }

    func reportReplaced(_ path: String, _ set: String) {
        emit(RunEvent(.error, set: set, "\(path): replaced while scripts ran (the path now names another directory); log set not rotated"))
        setFailed = true
    }

    /// Takes the `su` user's rights again for the rest of a set; when that fails, nothing more of the set
    /// is done as root instead: it is reported, and its journal left for the next run to finish.
    func assume(_ user: Privileges?, _ set: String, _ journal: JournalFile) -> Bool {
        do {
            try user?.assume()
            return true
        } catch {
            emit(RunEvent(.error, set: set, "\(error); rotated, but not compressed nor pruned (its journal is kept for the next run)"))
            setFailed = true
            journal.release()
            return false
        }
    }

    /// Locks the set's existing directories in one global order; nil (and exit status 3) when busy.
    /// Returns the handles, sorted by path, with their locks.
    func lock(_ plan: SetPlan) -> Held? {
        var (held, usable) = lock([plan])
        guard usable.first == true else {
            release(&held)
            return nil
        }
        return held
    }

    /// Locks the existing directories of several sets in one global order, going on past a directory
    /// that cannot be locked: each set naming one is reported skipped (busy: exit status 3). Returns the
    /// directories locked (sorted by path, each directory once) and, by set, whether all of its are.
    func lock(_ plans: [SetPlan]) -> (held: Held, usable: [Bool]) {
        var usable = [Bool](repeating: true, count: plans.count)
        var handles: [String: DirectoryHandle] = [:]
        for (i, plan) in plans.enumerated() {
            for dir in plan.directories where handles[dir] == nil {
                do {
                    handles[dir] = try directories.handle(dir)
                } catch {
                    if error.errno == .noSuchFileOrDirectory { continue }   // an olddir still to be created
                    emit(RunEvent(.error, set: plan.name, "\(error); log set skipped"))
                    setFailed = true
                    usable[i] = false
                    break
                }
            }
        }
        // A directory already found busy past --wait in this run is not waited for a second time.
        let wait = plans.contains { $0.directories.contains(where: busyDirectories.contains) } ? 0 : options.wait
        let results: [(key: FileKey, dir: DirectoryHandle, lock: Result<DirectoryLock, LockError>)]
        do {
            results = try DirectoryLock.acquireEach(Array(handles.values), wait: wait, logger: options.verbose ? logger : nil)
        } catch {
            for (i, plan) in plans.enumerated() where usable[i] { reportLockFailure(error, plan.name, waited: wait) }
            return (Held(handles: [], locks: []), [Bool](repeating: false, count: plans.count))
        }
        var held = Held(handles: [], locks: [])
        var failed: [FileKey: LockError] = [:]
        for r in results {
            switch r.lock {
            case .success(let l):
                held.handles.append(r.dir)
                held.locks.append(l)
            case .failure(let e):
                failed[r.key] = e
            }
        }
        held.handles.sort { $0.path < $1.path }
        if !failed.isEmpty {
            for (i, plan) in plans.enumerated() where usable[i] {
                let keys = plan.directories.compactMap { handles[$0].flatMap { try? $0.status() }.map(FileKey.init) }
                if let error = keys.lazy.compactMap({ failed[$0] }).first {
                    reportLockFailure(error, plan.name, waited: wait)
                    usable[i] = false
                }
            }
        }
        return (held, usable)
    }

    func reportLockFailure(_ error: LockError, _ set: String, waited: Double) {
        switch error {
        case .busy(let path, _, _), .nested(let path), .journalInUse(let path):
            busyDirectories.insert(PathName.split(path).0)
            emit(RunEvent(.lock, set: set, "\(error); log set skipped after waiting \(Int(waited)) s"))
            lockBusy = true
        default:
            emit(RunEvent(.error, set: set, "\(error); log set skipped"))
            setFailed = true
        }
    }

    /// The first locked directory whose path, listed again, names another directory than the one
    /// opened (moved away and replaced, by a symbolic link for instance, while the locks were released).
    func replacedDirectory(_ handles: [DirectoryHandle], _ snapshot: Snapshot) -> String? {
        for handle in handles {
            guard let now = snapshot.directoryStatuses[handle.path], let opened = try? handle.status() else { continue }
            if now.device != opened.device || now.inode != opened.inode { return handle.path }
        }
        return nil
    }

    func release(_ held: inout Held) {
        for l in held.locks { l.release() }
        held.locks = []
    }

    func syncChanged(_ set: String) {
        do {
            try steps.syncDirectories()
        } catch {
            emit(RunEvent(.error, set: set, "\(error)"))
            setFailed = true
        }
    }

    /// Records the state entries of rotated logs (the run's time) and of logs seen for the first time
    /// (this hour, as logrotate records them); `finishState` merges them with what other runs saved.
    /// Whether the marks are recorded (durable); a journal whose marks are not is kept for the next run.
    @discardableResult
    func saveState(_ set: String, marks: [StateMark], newLogs: StateTable) -> Bool {
        guard !options.dryRun, !marks.isEmpty || !newLogs.isEmpty else { return true }
        let c = options.timeZone.civil(now)
        let hour = options.timeZone.epoch(CivilTime(year: c.year, month: c.month, day: c.day, hour: c.hour))
        do {
            // The rotations are durable on return (`STATE.pending`); the whole file is written at the
            // end of the run, or now when a long run last wrote it some seconds ago.
            try stateSession.record(marks: marks, newLogs: newLogs, hour: hour)
            if stateSession.flushDue { for w in try stateSession.flush() { emit(RunEvent(.warning, w)) } }
            return true
        } catch {
            emit(RunEvent(.error, set: set, "\(options.statePath): state not saved: \(error)"))
            setFailed = true
            return false
        }
    }
}
