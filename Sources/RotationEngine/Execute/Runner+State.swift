extension Runner {
    /// The state entries now, with warnings about what could not be read reported.
    func currentState() -> StateTable {
        let entries = stateSession.entries()
        for w in stateSession.takeWarnings() { emit(RunEvent(.warning, w)) }
        return entries
    }

    /// Before a set's first rename: whether the state can be written (proved once per run by
    /// `StateSession.proveWritable`). A run that could not record its rotations would repeat them on the
    /// next run, so when it cannot, the set is not rotated and the run fails.
    func stateWritable(_ plan: SetPlan) -> Bool {
        guard case .failure(let error) = stateSession.proveWritable() else { return true }
        emit(RunEvent(.error, set: plan.name, "\(options.statePath): state cannot be written (\(error)); log set not rotated"))
        setFailed = true
        return false
    }

    /// At the end of the run: writes the state file once, with every rotation of the run.
    func finishState() {
        do {
            for w in try stateSession.flush() { emit(RunEvent(.warning, w)) }
        } catch {
            emit(RunEvent(.error, "\(options.statePath): state not saved: \(error)"))
            setFailed = true
        }
        for w in stateSession.takeWarnings() { emit(RunEvent(.warning, w)) }
    }
}
