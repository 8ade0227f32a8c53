/// The state file during a run: read once, each set's rotations made durable as they happen
/// (`STATE.pending`), the whole file written at the end.
extension RunContext {
    /// Before anything else, unless a dry run or `--skip-state-lock`: the state file's run-wide lock
    /// (`StateFileLock`, logrotate's). Another run holding it is reported as a lock event (exit status
    /// 3, as logrotate) and the run does nothing; a state file readable by others or not ours is not
    /// locked (logrotate warns), and one the run cannot open is reported as the state's problem.
    func lockStateFile() {
        guard !options.dryRun, let waiting = options.stateFileWaiting else { return }
        let path = options.statePath
        do {
            if let lease = options.stateLockLease {
                stateFileLock = try lease.acquire(waiting: waiting)
                leasedStateLock = true
            } else {
                stateFileLock = try StateFileLock.acquire(statePath: path, waiting: waiting)
            }
        } catch StateError.stateLocked(let locked) {
            emit(RunEvent(.lock, .stateLocked, "\(StateError.stateLocked(path: locked))", path: path))
        } catch StateError.nestedRun(let locked) {
            emit(RunEvent(.lock, .nestedRun, "\(StateError.nestedRun(path: locked))", path: path))
        } catch StateError.insecureStateFile(let file) {
            // Directory locks and STATE.lock still keep the runs' work apart; the state file is written
            // 0600 at the end of the run, and the next run locks it.
            logger?.info("\(StateError.insecureStateFile(path: file))")
        } catch {
            // Not a regular file, a symbolic link, a directory that cannot be created: the state cannot be
            // read or written either, which the run reports as before (exit 1); it is not a busy lock.
            logger?.debug("state file \(path) not locked: \(error)")
        }
    }

    /// At the end of the run: the state file's lock released, or its lease (`StateLockLease`) given back.
    func releaseStateFile() {
        if leasedStateLock {
            options.stateLockLease?.release()
            leasedStateLock = false
        } else {
            stateFileLock?.release()
        }
    }

    /// The state entries now, with warnings about what could not be read reported.
    func currentState() -> StateTable {
        let entries = stateSession.entries()
        reportStateWarnings()
        return entries
    }

    /// The state file's warnings, then an error per damaged file read: the run rotates from the entries
    /// that could be read, and exits 1 so that monitoring sees the damage.
    func reportStateWarnings() {
        for w in stateSession.takeWarnings() { emit(RunEvent(.warning, .stateProblem, w)) }
        for d in stateSession.takeDamage() { emit(RunEvent(.error, .stateDamaged, d, path: options.statePath)) }
    }

    /// Before a set's first rename: whether the state can be written (proved once per run by
    /// `StateSession.proveWritable`). A run that could not record its rotations would repeat them on the
    /// next run, so when it cannot, the set is not rotated and the run fails.
    func stateWritable(_ plan: SetPlan) -> Bool {
        guard case .failure(let error) = stateSession.proveWritable() else { return true }
        emit(RunEvent(.error, .stateUnwritable, set: plan.name, "\(options.statePath): state cannot be written (\(error)); log set not rotated",
                      path: options.statePath, system: error as? SystemError))
        return false
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
            if stateSession.flushDue { for w in try stateSession.flush() { emit(RunEvent(.warning, .stateProblem, w)) } }
            return true
        } catch {
            emit(RunEvent(.error, .stateNotSaved, set: set, "\(options.statePath): state not saved: \(error)", path: options.statePath))
            return false
        }
    }

    /// At the end of the run: writes the state file once, with every rotation of the run.
    func finishState() {
        do {
            for w in try stateSession.flush() { emit(RunEvent(.warning, .stateProblem, w)) }
        } catch {
            emit(RunEvent(.error, .stateNotSaved, "\(options.statePath): state not saved: \(error)", path: options.statePath))
        }
        reportStateWarnings()
    }
}
