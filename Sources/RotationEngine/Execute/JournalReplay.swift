#if canImport(Glibc)
import Glibc
#endif

/// Finishes the rotations a killed run left in its journals. Each unit's steps are replayed in order,
/// each deciding from the file system as the previous ones left it, with the unit's own policy
/// (compressor, shred, writer wait, `su` rights); what the crashed run made is adopted once checked
/// (`StepRunner.Leftovers.adopt`). A journal still held by a live run (which may have released the
/// directory lock for its scripts or its compression) is never replayed.
struct JournalReplay: RunPart {
    let context: RunContext
    var runner: StepRunner { StepRunner(context: context, leftovers: .adopt) }
    static let set = "recovery"

    /// Before planning: every directory of the snapshot that holds a journal is locked and its journal
    /// finished, so the plan starts from a completed state. Returns whether anything was recovered.
    func recoverFirst(_ snapshot: Snapshot) -> Bool {
        var recovered = false
        for (dir, entries) in snapshot.directories.sorted(by: { $0.key < $1.key })
        where !entries.entries(prefix: JournalFile.name).keys.filter(OwnFiles.isJournal).isEmpty {
            let pseudo = SetPlan(index: -1, name: Self.set, location: "", directories: [dir])
            guard var held = context.lock(pseudo) else { continue }
            recover(held)
            context.release(&held)
            recovered = true
        }
        return recovered
    }

    /// Finishes each journal a crashed run left in a directory of `held` (just locked), saves the state
    /// entries of the units it finished and removes the journal. A unit whose step fails stops there, and
    /// the journal is kept for the next run.
    func recover(_ held: RunContext.Held) {
        for dir in held.handles {
            for name in Self.crashed(dir) { recover(JournalFile(dir, name: name), in: dir) }
        }
    }

    /// The journals of `dir` no run still going holds: each one a crashed run's. One that cannot be
    /// listed is reported when opened.
    static func crashed(_ dir: DirectoryHandle) -> [String] {
        ((try? JournalFile.names(in: dir)) ?? [JournalFile.name]).filter { !JournalFile.isHeld(dir, $0) }
    }

    private func recover(_ journal: JournalFile, in dir: DirectoryHandle) {
        let contents: (blocks: [JournalBlock], problem: String?, owner: UInt32)?
        do { contents = try journal.readChecked() } catch {
            emit(RunEvent(.error, .journalUnreadable, "\(error)", path: journal.path, system: error))
            return
        }
        guard let (blocks, problem, owner) = contents else { return }
        if let problem { emit(RunEvent(.warning, .journalDamaged, "\(journal.path): \(problem)", path: journal.path)) }
        var cancelled = Set<Int>()
        for case .cancel(let id) in blocks { cancelled.insert(id) }
        var marks: [StateMark] = []
        var count = 0
        var complete = true
        for case .unit(let id, _, let unitSteps, let state, let policy) in blocks where !cancelled.contains(id) {
            let rights = policy.suUID.flatMap { uid in policy.suGID.map { Privileges(uid: uid, gid: $0) } }
            do {
                try rights?.assume()
            } catch {
                emit(RunEvent(.error, .privilegesFailed, "\(journal.path): \(error); its rotation is not finished (kept for the next run)",
                              path: journal.path, system: error))
                complete = false
                continue
            }
            let (done, ok) = replay(unitSteps, policy)
            rights?.restore()
            count += done
            if ok {
                // Marks of a journal written by a `su` user name logs of its own directories only.
                marks += state.filter { owner == ProcessIdentity.effectiveUID || PathName.split($0.path).0 == dir.path }
            } else {
                complete = false
            }
        }
        context.syncChanged(Self.set)
        if !marks.isEmpty && !context.saveState(Self.set, marks: marks, newLogs: [:]) { complete = false }
        guard complete else {
            emit(RunEvent(.warning, .journalKept, "\(journal.path): kept: a step of the interrupted rotation could not be finished; the next run tries again", path: journal.path))
            return
        }
        do {
            try journal.remove()
            emit(RunEvent(.recovery, set: "", "\(journal.path): finished a rotation interrupted by a crash (\(count) steps checked, \(marks.count) logs)", path: journal.path))
        } catch {
            emit(RunEvent(.error, .journalNotRemoved, "\(error)", path: journal.path, system: error))
        }
    }

    /// A directory of `held` whose journal could not be finished: a set there is not rotated until it
    /// is, so that no new block is ever written beside an unfinished one. Reported.
    func unfinished(_ held: RunContext.Held, _ plan: SetPlan) -> Bool {
        for dir in held.handles {
            for name in Self.crashed(dir) where ((try? dir.status(name)) ?? nil) != nil {
                emit(RunEvent(.error, .journalUnfinished, set: plan.name, "\(dir.child(name)): an interrupted rotation could not be finished; log set not rotated until it is", path: dir.child(name)))
                return true
            }
        }
        return false
    }

    /// Replays one unit's steps. The writers are signalled again (a writer that already reopened
    /// reopens once more, which loses nothing), and nothing a writer still holds after the unit's
    /// reopen timeout is copied, compressed or removed. Returns the steps done and whether all went well.
    func replay(_ unitSteps: [Action], _ policy: JournalPolicy) -> (done: Int, ok: Bool) {
        let set = Self.set
        let config = policy.config
        let runner = self.runner
        // Files this unit's renames move away: one still found under a copy's compressed name is the
        // previous generation, not this rotation's copy.
        let renamedInodes = Set(unitSteps.compactMap { step -> UInt64? in
            if case .rename(_, _, let inode) = step, inode != 0 { return inode }
            return nil
        })
        let compressedName = Dictionary(unitSteps.compactMap { step -> (String, String)? in
            if case .compress(let source, let destination) = step { return (source, destination) }
            return nil
        }, uniquingKeysWith: { a, _ in a })
        var held = Set<String>()
        var done = 0
        for step in unitSteps {
            switch step {
            case .notify:
                runner.perform(step, set, config)
                continue
            case .awaitWriters(let path):
                if !context.waitForWriters([path], policy.reopenTimeout, set).isEmpty {
                    held.insert(path)
                    emit(RunEvent(.warning, .writerStillOpen, set: set, "\(path): a writer still has it open after \(policy.reopenTimeout) s; left as it is, finished on a later run", path: path))
                }
                continue
            case .compress(let source, _) where held.contains(source):
                continue
            case .mail(let path, _, _, _, _):
                // The mail command is user code and a replay holds the directory lock: the file is kept
                // (its removal skipped), and the log's next rotation mails it (perhaps a second time).
                held.insert(path)
                emit(RunEvent(.warning, .mailFailed, set: set, "\(path): not mailed while finishing an interrupted rotation; kept, mailed at the log's next rotation", path: path))
                continue
            case .copy(let from, _) where held.contains(from) || !context.exists(from):
                // Still written to; or gone, which for renamecopy's temporary file means the unit's
                // later removal ran, and that runs only after the copy was made.
                continue
            case .remove(let path, _, _) where held.contains(path):
                continue
            case .copy(_, let to), .copyTruncate(_, let to):
                // Made and already compressed by the crashed run: its compressed output now stands
                // where the chain shift (replayed above) took the previous generation away from.
                if let gz = compressedName[to], let (dir, name) = try? directories.locate(gz),
                   let st = (try? dir.status(name)) ?? nil, !renamedInodes.contains(st.inode) {
                    continue
                }
            default:
                break
            }
            let ok = runner.perform(step, set, config)
            switch step {
            case .compress(let source, let destination):
                discardTemporary(destination)
                runner.finishInterruptedShred(source, config, set)
            case .remove(let path, _, _):
                runner.finishInterruptedShred(path, config, set)
            default:
                break
            }
            if ok {
                done += 1
                continue
            }
            switch step {
            case .compress, .remove, .capTotalSize:
                continue   // nothing after it depends on it: the source or the generation is kept, and reported
            default:
                return (done, false)   // a rename, creation or copy the rest would build on
            }
        }
        return (done, true)
    }

    /// Removes what a crash left at a compressed output's temporary name, once its step is settled
    /// (done, or failed with its source kept): nothing needs it, and no later step would reuse it.
    func discardTemporary(_ destination: String) {
        guard let (dir, name) = try? directories.locate(destination) else { return }
        let temp = DirectoryHandle.temporaryName(for: name)
        if ((try? dir.status(temp)) ?? nil) != nil { try? dir.remove(temp) }
    }
}
