/// One log set's rotation, from its lock to its last action:
///
///     lock → replay a crashed run's journal → firstaction/prerotate (unlocked) → plan again under the lock
///     → journal → renames → state marks → postrotate/preremove (unlocked) → signal, wait for writers,
///     compress, prune → remove the journal → unlock → lastaction
///
/// Without `sharedscripts`, a set whose logs have their own scripts goes through the part from the lock
/// to the unlock once per log, as logrotate interleaves them.
/// Scripts run with the directory locks released (never user code under a lock it could need), and so
/// do writer waits, compression and pruning; the journal stays locked throughout, so no other run
/// replays it or touches the files it names meanwhile, while another set of the directory may be rotated. `run()` returns the set's
/// outcome, judged by what it reported.
struct SetExecution: RunPart {
    let context: RunContext
    let plan: SetPlan
    let config: LogSetConfig
    var steps: StepRunner { StepRunner(context: context, leftovers: .distrust) }
    var replay: JournalReplay { JournalReplay(context: context) }

    func run() -> Outcome {
        context.outcome { execute() }
    }

    /// Runs a script; a failure is reported (naming `subject`, followed by `consequence`) and is false.
    func runScript(_ script: ScriptRun?, _ subject: String, _ consequence: String = "") -> Bool {
        guard let script, let failure = ScriptRunner(outputToStderr: context.options.json).run(script) else { return true }
        emit(RunEvent(.error, .scriptFailed, set: plan.name, "\(subject): \(failure)\(consequence)"))
        return false
    }

    private func execute() {
        context.reportDecisions(plan)
        guard plan.hasWork else {
            context.saveState(plan.name, marks: [], newLogs: plan.newStateLogs)
            // A due log that could not be rotated still runs the set's first and last actions, as logrotate does.
            if runScript(plan.firstAction, plan.name) { _ = runScript(plan.lastAction, plan.name) }
            return
        }
        guard context.stateWritable(plan) else { return }
        if Self.logByLog(plan, config) {
            // logrotate's order without sharedscripts: one log's prerotate, rotation, postrotate and
            // compression, then the next log's; firstaction before the first, lastaction after the last.
            for (i, unit) in plan.units.enumerated() where !rotate([unit], firstAction: i == 0 ? plan.firstAction : nil) {
                return
            }
        } else if !rotate(plan.units, firstAction: plan.firstAction) {
            return
        }
        _ = runScript(plan.lastAction, plan.name)
    }

    /// Several logs rotated one after the other when the block has per-log scripts and no `sharedscripts`.
    static func logByLog(_ plan: SetPlan, _ config: LogSetConfig) -> Bool {
        !config.sharedScripts && plan.units.count > 1
            && plan.units.contains { $0.preRotate != nil || $0.postRotate != nil }
    }

    /// lock → replay → firstaction and prerotates (unlocked) → plan again under the lock → rotation of
    /// `units`; whether it got to the end, false when the set is given up (its first action failed, a
    /// directory is busy or was replaced, the `su` user's rights could not be taken).
    private func rotate(_ units: [RotationUnit], firstAction: ScriptRun?) -> Bool {
        guard var locks = lockAndRecover() else { return false }
        var failedUnits = Set<String>()
        if firstAction != nil || units.contains(where: { $0.preRotate != nil }) {
            context.release(&locks)
            guard runScript(firstAction, plan.name, "; log set skipped") else { return false }
            for unit in units where !runScript(unit.preRotate, unit.logs.map(\.path).joined(separator: " "), "; not rotated") {
                failedUnits.formUnion(unit.logs.map(\.path))
            }
            guard let again = lockAndRecover() else { return false }
            locks = again
        }
        // Plan again under the lock: what we do is decided on what is on disk now. The state is read
        // first so that its file's bytes are gone before the listings are taken.
        let state = context.currentState()
        let snapshot = SnapshotReader().read([config])
        var digests: [String: Int] = [:]
        guard context.replacedDirectory(locks.handles, snapshot, plan.name) == nil, let home = locks.handles.first else {
            context.release(&locks)
            return false
        }
        var part = plan
        part.units = units
        let current = context.replan(part, config, snapshot, state, digests: &digests, dropping: failedUnits)
        if context.busyElsewhere(current, locks, plan.name) {
            context.release(&locks)
            return false
        }
        let rotation = SetRotation(execution: self, units: current, journal: JournalFile(home), reserve: JournalReserve(home))
        let finished = rotation.run(&locks)
        context.release(&locks)
        return finished
    }

    /// Locks the set's directories and finishes any journal a crashed run left there; nil (reported)
    /// when a directory is busy, or holds a journal that could not be finished.
    func lockAndRecover() -> RunContext.Held? {
        guard var locks = context.lock(plan) else { return nil }
        replay.recover(locks)
        if replay.unfinished(locks, plan) {
            context.release(&locks)
            return nil
        }
        return locks
    }
}
