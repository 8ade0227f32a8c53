extension Runner {
    func exists(_ path: String) -> Bool {
        guard let (dir, name) = try? directories.locate(path) else { return false }
        return ((try? dir.status(name)) ?? nil) != nil
    }

    /// Before planning: every directory of the snapshot that holds a journal is locked and its journal
    /// finished, so the plan starts from a completed state. Returns whether anything was recovered.
    func recoverFirst(_ snapshot: Snapshot) -> Bool {
        var recovered = false
        for (dir, entries) in snapshot.directories.sorted(by: { $0.key < $1.key }) where entries[JournalFile.name] != nil {
            let pseudo = SetPlan(index: -1, name: "recovery", location: "", directories: [dir])
            guard var held = lock(pseudo) else { continue }
            recoverJournals(held)
            release(&held)
            recovered = true
        }
        return recovered
    }

    /// Finishes journals left by a run that stopped midway, in every directory just locked: replays the
    /// steps of each unit not cancelled (each recognises itself as done), saves their state entries, and
    /// removes the journal. A journal that never completed a block was never acted on and is removed.
    func recoverJournals(_ held: Held) {
        for dir in held.handles {
            let journal = JournalFile(dir)
            let contents: (blocks: [JournalBlock], problem: String?)?
            do { contents = try journal.read() } catch {
                emit(RunEvent(.error, "\(error)"))
                setFailed = true
                continue
            }
            guard let (blocks, problem) = contents else { continue }
            if let problem { emit(RunEvent(.warning, "\(journal.path): \(problem)")) }
            recovering = true
            defer { recovering = false }
            var cancelled = Set<Int>()
            for case .cancel(let id) in blocks { cancelled.insert(id) }
            var marks: [StateMark] = []
            var count = 0
            for case .unit(let id, _, let unitSteps, let state) in blocks where !cancelled.contains(id) {
                let set = "recovery"
                // A copy whose compressed form already exists was made and compressed: never copy again.
                var compressed = Set<String>()
                for case .compress(let source, let destination) in unitSteps where exists(destination) {
                    compressed.insert(source)
                }
                for step in unitSteps {
                    switch step {
                    case .copyTruncate(_, let to), .copy(_, let to):
                        if compressed.contains(to) { continue }
                    case .compress(_, let destination) where !destination.hasSuffix(".gz"):
                        // Made by a compresscmd the journal does not name: the next rotation, which
                        // knows the set's command, compresses this leftover.
                        continue
                    default: break
                    }
                    if case .awaitWriters(let path) = step {
                        _ = waitForWriters(path, 5, set)
                        continue
                    }
                    if perform(step, set, nil) { count += 1 }
                }
                marks += state
            }
            syncChanged("recovery")
            if !marks.isEmpty { saveState("recovery", marks: marks, newLogs: []) }
            do {
                try journal.remove()
                emit(RunEvent(.recovery, "\(journal.path): finished a rotation interrupted by a crash (\(count) steps checked, \(marks.count) logs)", path: journal.path))
            } catch {
                emit(RunEvent(.error, "\(error)"))
                setFailed = true
            }
        }
    }
}
