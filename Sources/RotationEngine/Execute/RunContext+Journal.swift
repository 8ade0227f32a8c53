/// A set's journal during its rotation: written before the first rename, removed after the last step.
extension RunContext {
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
                              state: unit.logs.filter(\.recordsRotation).map { StateMark(path: $0.path, time: now) }, policy: policy)
        }
    }

    /// Appends `blocks` to the journal; on a full file system, gives back the reserve and tries again.
    /// Whether it was written (a failure is reported: the sets are not rotated).
    func writeJournal(_ journal: JournalFile, _ blocks: [JournalBlock], _ reserve: JournalReserve, sets: [String]) -> Bool {
        do {
            try clearCopyTemporaries(blocks)
            do {
                try journal.append(blocks)
            } catch where (error.errno == .noSpace || error.errno == .diskQuotaExceeded) && reserve.release() {
                emit(RunEvent(.warning, .reserveUsed, set: sets.first ?? "", "\(journal.directory.path): file system full: using the space reserved for the journal (\(reserve.path))",
                              path: reserve.path))
                try journal.append(blocks)
            }
            FaultInjection.point("journal written")
            return true
        } catch {
            for set in sets {
                emit(RunEvent(.error, .journalUnwritable, set: set, "\(error); log set not rotated", path: error.path, system: error))
            }
            return false
        }
    }

    /// Whatever lies at a copytruncate's temporary name now is not this rotation's copy: it goes before
    /// the journal exists, so that a replay can take what it finds there for the crashed run's own.
    private func clearCopyTemporaries(_ blocks: [JournalBlock]) throws(SystemError) {
        for case .unit(_, _, let steps, _, _) in blocks {
            for case .copyTruncate(_, let to) in steps {
                guard let (dir, name) = try? directories.locate(to) else { continue }   // an olddir still to make
                let temp = DirectoryHandle.temporaryName(for: name)
                if try dir.status(temp) != nil { try dir.remove(temp) }
            }
        }
    }

    /// At the end of a rotation: removes its journal (then makes sure the reserve is there again), or
    /// keeps it for the next run when the state marks were not `recorded` or a compressed output could
    /// not be made durable (`unsynced`).
    func close(_ journal: JournalFile, _ reserve: JournalReserve, recorded: Bool, unsynced: Bool, _ set: String) {
        if !recorded || unsynced {
            journal.release()
            let why = recorded ? "finishes the compression a failed sync left" : "records the rotation in the state"
            emit(RunEvent(.warning, .journalKept, set: set, "\(journal.path): kept, so that the next run \(why)", path: journal.path))
            return
        }
        do {
            try journal.remove()
            FaultInjection.point("journal removed")
            reserve.ensure()
        } catch {
            emit(RunEvent(.error, .journalNotRemoved, set: set, "\(error)", path: journal.path, system: error))
        }
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
                // A trim that became a rotation meanwhile (or the other way round) is left to the next
                // run: this unit's scripts were chosen for what it was planned as.
                guard now.recordsRotation == log.recordsRotation else {
                    emit(RunEvent(.decision, set: first.name, "\(log.path): changed meanwhile; left for the next run", path: log.path))
                    return nil
                }
                return now
            }
            if !u.logs.isEmpty { units.append(u) }
        }
        return units
    }
}
