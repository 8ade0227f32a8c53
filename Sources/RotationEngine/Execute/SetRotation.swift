/// The locked part of a set's rotation (`SetExecution`): journal, renames, state marks, the scripts after
/// them (unlocked), then signal, writers, compression and pruning, and the journal's removal.
struct SetRotation: RunPart {
    let execution: SetExecution
    let units: [RotationUnit]
    let journal: JournalFile
    let reserve: JournalReserve
    var context: RunContext { execution.context }
    var plan: SetPlan { execution.plan }
    var config: LogSetConfig { execution.config }

    /// Runs it with `locks` held until the renames are journalled, done and recorded (they are released
    /// then, the journal staying locked to the end); whether the set got to its end, so that its
    /// lastaction runs.
    func run(_ locks: inout RunContext.Held) -> Bool {
        let user = config.su.map { Privileges(uid: $0.uid, gid: $0.gid) }
        // Every unit's block in one write and one fsync, then every rename, then one fsync per directory.
        guard assume(user, before: true) else { return false }
        guard context.writeJournal(journal, context.journalBlocks(units, plan, config, from: 0), reserve, sets: [plan.name]) else {
            user?.restore()
            return false
        }
        let steps = execution.steps
        // When nothing stands between a log's renames and its compression, the workers start on each
        // log as soon as it is renamed, while this thread goes on with the others.
        var early = EarlyCompression(units: units, plan: plan, config: config, minimum: CompressionBatch.groupMinimum)
        let batch = early.map { CompressionCommit(runner: steps, set: plan.name, config: config).start($0.steps, gated: true) }
        var active: [(id: Int, unit: RotationUnit)] = []
        var failedIDs: [JournalBlock] = []
        for (id, unit) in units.enumerated() {
            let ok = steps.rotate(unit, plan.name, config)
            if let done = early?.unitDone(id, ok: ok) {
                batch?.release(belowStep: done.released, cancelling: done.cancelling)
            }
            if ok { active.append((id, unit)) } else { failedIDs.append(.cancel(id: id)) }
        }
        context.syncChanged(plan.name)
        if !failedIDs.isEmpty { try? journal.append(failedIDs) }
        user?.restore()
        let marks = active.flatMap { $0.unit.logs.filter(\.recordsRotation).map { StateMark(path: $0.path, time: context.now) } }
        let recorded = context.saveState(plan.name, marks: marks, newLogs: plan.newStateLogs)
        FaultInjection.point("state saved")
        // From here on the set's files are its journal's, which stays locked: the directory lock is let
        // go, so another set of the directory is rotated while this one runs its scripts, waits for its
        // writers and compresses. No run touches what a held journal names (`DirectoryLock.Journals`).
        context.release(&locks)
        let keepJournal: Bool
        let removals = active.flatMap { $0.unit.logs.flatMap(\.removals) }
        if active.contains(where: { $0.unit.postRotate != nil }) || (plan.preRemove != nil && !removals.isEmpty) {
            assert(batch == nil, "compression never starts early in a set with postrotate or preremove")
            // A failed post-rotation script keeps the renames but skips compression and removal.
            let (cancelled, vetoed) = postScripts(active)
            guard assume(user, before: false) else { return false }
            if !cancelled.isEmpty { try? journal.append(cancelled.sorted().map { .cancel(id: $0) }) }
            keepJournal = steps.finish(active.filter { !cancelled.contains($0.id) }.map(\.unit), plan, config, keeping: vetoed,
                                       mail: { deliver($0, user) })
        } else {
            guard assume(user, before: false) else {
                if let batch { _ = CompressionCommit(runner: steps, set: plan.name, config: config).commit(batch) }   // its workers wait for it
                return false
            }
            keepJournal = steps.finish(active.map(\.unit), plan, config, keeping: [], started: batch,
                                       mail: { deliver($0, user) })
        }
        context.close(journal, reserve, recorded: recorded, unsynced: keepJournal, plan.name)
        user?.restore()
        return true
    }

    /// postrotate for each unit, then preremove for each file retention drops: the units whose
    /// postrotate failed (rotated, but neither compressed nor pruned) and the files preremove vetoed.
    func postScripts(_ active: [(id: Int, unit: RotationUnit)]) -> (cancelled: Set<Int>, vetoed: Set<String>) {
        var cancelled = Set<Int>()
        for (id, unit) in active where !execution.runScript(unit.postRotate, unit.logs.map(\.path).joined(separator: " "),
                                                             "; rotated, but not compressed and old logs kept") {
            cancelled.insert(id)
        }
        var vetoed = Set<String>()
        if var s = plan.preRemove {
            for (id, unit) in active where !cancelled.contains(id) {
                for path in unit.logs.flatMap(\.removals).sorted() {
                    s.arguments = [path]
                    if !execution.runScript(s, path, "; kept") { vetoed.insert(path) }
                }
            }
        }
        return (cancelled, vetoed)
    }

    /// Sends the `.mail` steps as the run's own user (the mail command is user code, and logrotate runs
    /// it as root), the journal still locked so that no other run touches the set's files meanwhile.
    /// Returns the files not mailed, which are kept (a file retention drops stays beyond the count, and
    /// the log's next rotation mails it).
    func deliver(_ mails: [Action], _ user: Privileges?) -> Set<String> {
        user?.restore()
        let sender = MailSender(command: options.mailCommand, timeout: config.scriptTimeout > 0 ? Double(config.scriptTimeout) : nil,
                                stdout: options.json ? 2 : nil, directories: directories)
        var unsent = Set<String>()
        for step in mails {
            guard case .mail(let path, let inode, let subject, let address, let uncompress) = step else { continue }
            let started = monotonicNow()
            if let why = sender.send(path: path, inode: inode, subject: subject, address: address, uncompress: uncompress) {
                unsent.insert(path)
                emit(RunEvent(.error, .mailFailed, set: plan.name, "\(path): \(why); kept, not removed: mailed at the log's next rotation",
                              action: step.kindName, path: path))
            } else {
                emit(RunEvent(.action, set: plan.name, step.summary, action: step.kindName, path: path, seconds: monotonicNow() - started))
                FaultInjection.point("mailed \(path)")
            }
        }
        return assume(user, before: false) ? unsent : Set(mails.compactMap(\.primaryPath))
    }

    /// Takes the `su` user's rights for the set's steps. Before the journal, a failure leaves the set
    /// unrotated; after the renames, nothing more of the set is done as root instead: it is reported, and
    /// its journal left for the next run to finish.
    func assume(_ user: Privileges?, before: Bool) -> Bool {
        do {
            try user?.assume()
            return true
        } catch {
            let consequence = before ? "log set not rotated" : "rotated, but not compressed nor pruned (its journal is kept for the next run)"
            emit(RunEvent(.error, .privilegesFailed, set: plan.name, "\(error); \(consequence)", path: error.path, system: error))
            if !before { journal.release() }
            return false
        }
    }
}

extension StepRunner {
    /// Applies a unit's rotate steps, stopping at the first that fails; whether all were done.
    func rotate(_ unit: RotationUnit, _ set: String, _ config: LogSetConfig) -> Bool {
        for log in unit.logs {
            for step in log.rotateSteps where !perform(step, set, config) { return false }
        }
        return true
    }
}
