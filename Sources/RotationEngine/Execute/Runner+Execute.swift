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
        if let swapped = replacedDirectory(locks, snapshot) {
            emit(RunEvent(.error, set: first.name, "\(swapped): replaced while scripts ran (the path now names another directory); log set not rotated"))
            setFailed = true
            release(&locks)
            return
        }
        // When nothing the plan was made on has changed, it stands as it is.
        let unchanged = plannedInputs[first.index] == PlannedInputs(config, first, snapshot, state)
        let fresh = unchanged ? first.units : Planner(input([config], snapshot, state)).plan().first?.units ?? []
        var current: [String: LogRotation] = [:]
        for unit in fresh { for log in unit.logs { current[log.path] = log } }
        var units: [RotationUnit] = []
        for unit in first.units {
            var u = unit
            u.logs = unit.logs.compactMap { log in
                if failedUnits.contains(log.path) { return nil }
                guard let now = current[log.path] else {
                    emit(RunEvent(.decision, set: first.name, "\(log.path): no longer due (rotated meanwhile by another run)", path: log.path))
                    return nil
                }
                return now
            }
            if !u.logs.isEmpty { units.append(u) }
        }
        guard let home = locks.handles.first else { release(&locks); return }
        let journal = JournalFile(home)
        var active: [(id: Int, unit: RotationUnit)] = []
        var marks: [StateMark] = []
        // Every unit's block in one write and one fsync, then every rename, then one fsync per directory.
        // The writer signal is journalled with each unit, between its renames and what follows them, so
        // that a run killed before signalling has the next run signal the writers before it compresses.
        let policy = JournalPolicy(config)
        let signal = first.notify.map { [$0] } ?? []
        let blocks = units.enumerated().map { id, unit in
            JournalBlock.unit(id: id, directories: first.directories,
                              steps: unit.logs.flatMap(\.rotateSteps) + signal + unit.logs.flatMap(\.finishSteps),
                              state: unit.logs.map { StateMark(path: $0.path, time: now) }, policy: policy)
        }
        let user = config.su.map { Privileges(uid: $0.uid, gid: $0.gid) }
        let reserve = JournalReserve(home)
        do {
            try user?.assume()
            do {
                try journal.append(blocks)
            } catch where (error.errno == .noSpace || error.errno == .diskQuotaExceeded) && reserve.release() {
                emit(RunEvent(.warning, set: first.name, "\(home.path): file system full: using the space reserved for the journal (\(reserve.path))"))
                try journal.append(blocks)
            }
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
            var ok = true
            for log in unit.logs where ok {
                for step in log.rotateSteps where ok {
                    ok = perform(step, first.name, config)
                }
            }
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
        do {
            if !recorded {
                keepJournal = false
                journal.release()
                emit(RunEvent(.warning, set: first.name, "\(journal.path): kept, so that the next run records the rotation in the state", path: journal.path))
            } else if keepJournal {
                keepJournal = false
                journal.release()
                emit(RunEvent(.warning, set: first.name, "\(journal.path): kept, so that the next run finishes the compression a failed sync left", path: journal.path))
            } else {
                try journal.remove()
                FaultInjection.point("journal removed")
                reserve.ensure()
            }
        } catch {
            emit(RunEvent(.error, set: first.name, "\(error)"))
            setFailed = true
        }
        user?.restore()
        release(&locks)
        _ = run(first.lastAction, first.name)
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
        var handles: [DirectoryHandle] = []
        for dir in plan.directories {
            do {
                handles.append(try directories.handle(dir))
            } catch {
                if error.errno == .noSuchFileOrDirectory { continue }   // an olddir still to be created
                emit(RunEvent(.error, set: plan.name, "\(error); log set skipped"))
                setFailed = true
                return nil
            }
        }
        // A directory already found busy past --wait in this run is not waited for a second time.
        let wait = plan.directories.contains(where: busyDirectories.contains) ? 0 : options.wait
        do {
            let locks = try DirectoryLock.acquireAll(handles, wait: wait, logger: options.verbose ? logger : nil)
            return Held(handles: handles.sorted { $0.path < $1.path }, locks: locks)
        } catch {
            switch error {
            case .busy(let path, _, _), .nested(let path), .journalInUse(let path):
                busyDirectories.insert(PathName.split(path).0)
                emit(RunEvent(.lock, set: plan.name, "\(error); log set skipped after waiting \(Int(wait)) s"))
                lockBusy = true
            default:
                emit(RunEvent(.error, set: plan.name, "\(error); log set skipped"))
                setFailed = true
            }
            return nil
        }
    }

    /// The first locked directory whose path, listed again, names another directory than the one
    /// opened (moved away and replaced, by a symbolic link for instance, while the locks were released).
    func replacedDirectory(_ held: Held, _ snapshot: Snapshot) -> String? {
        for handle in held.handles {
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
