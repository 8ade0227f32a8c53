/// What follows a set's renames: the writers' signal, their closing, compression and retention.
extension StepRunner {
    /// After every unit's renames: signals the writers once, waits for them to let go of the rotated
    /// files, compresses in parallel, then removes what retention drops. `started`: the set's
    /// compression, begun during the renames (`EarlyCompression`), which is committed here instead.
    /// Returns whether the set's journal must be kept for the next run (a compressed output not made durable).
    /// `mail` sends the `.mail` steps after compression and before removal (see `SetRotation.deliver`) and
    /// returns the files it could not send, which are then kept.
    func finish(_ units: [RotationUnit], _ plan: SetPlan, _ config: LogSetConfig, keeping vetoed: Set<String>,
                started: CompressionBatch? = nil, mail: ([Action]) -> Set<String>) -> Bool {
        guard !units.isEmpty else {
            // Its workers wait for the commit.
            if let started { return CompressionCommit(runner: self, set: plan.name, config: config).commit(started).keepJournal }
            return false
        }
        if let n = plan.notify { perform(n, plan.name, config) }
        var compress: [Action] = []
        var mails: [Action] = []
        var rest: [Action] = []
        // Every log's writers at once, for one reopen timeout in all.
        let awaited = units.flatMap(\.logs).flatMap(\.finishSteps).compactMap { step -> String? in
            if case .awaitWriters(let path) = step { return path }
            return nil
        }
        var held = context.waitForWriters(awaited, config.reopenTimeout, plan.name)
        for log in units.flatMap(\.logs) {
            for step in log.finishSteps {
                switch step {
                case .awaitWriters:
                    continue
                case .compress where started != nil:
                    continue
                case .compress(let source, _):
                    if held.contains(source) {
                        emit(RunEvent(.warning, .writerStillOpen, set: plan.name, "\(source): a writer still has it open after \(config.reopenTimeout) s; left uncompressed, compressed on a later run", path: source))
                    } else {
                        compress.append(step)
                    }
                case .remove(let path, _, _) where vetoed.contains(path) || held.contains(path):
                    continue
                case .mail(let path, _, _, _, _):
                    // A file a writer still holds, or that preremove vetoed, is neither mailed nor removed yet.
                    if vetoed.contains(path) || held.contains(path) { held.insert(path) } else { mails.append(step) }
                case .copy(let from, let to) where held.contains(from):
                    // renamecopy: what a writer still appends to is neither copied nor removed.
                    emit(RunEvent(.warning, .writerStillOpen, set: plan.name, "\(from): a writer still has it open after \(config.reopenTimeout) s; not copied to \(to), kept", path: from))
                    held.insert(to)
                case .copy(let from, let to):
                    // renamecopy: the copy is what gets compressed; if it could not be made, the renamed
                    // file is all there is, and is kept where it is (never removed after a failed copy).
                    if !perform(step, plan.name, config) {
                        held.insert(from)
                        held.insert(to)
                    }
                default:
                    rest.append(step)
                }
            }
        }
        var keepJournal = false
        let commit = CompressionCommit(runner: self, set: plan.name, config: config)
        if let started {
            keepJournal = commit.commit(started).keepJournal
        } else if !compress.isEmpty {
            keepJournal = commit.commit(commit.start(compress, gated: false)).keepJournal
        }
        if !mails.isEmpty {
            let unsent = mail(mails)
            rest.removeAll { if case .remove(let path, _, _) = $0 { return unsent.contains(path) } else { return false } }
        }
        prune(rest, plan.name, config)
        context.syncChanged(plan.name)
        return keepJournal
    }

    /// The steps after compression (removals of dropped generations, the size cap), in order. Retention
    /// never removes a generation a process still writes to (a writer that never reopened): it is kept,
    /// and dropped by a later run once it is let go.
    func prune(_ rest: [Action], _ set: String, _ config: LogSetConfig) {
        let generations = rest.compactMap { step -> String? in
            if case .remove(let path, let inode, _) = step, inode != 0 { return path }
            return nil
        }
        let written = context.openForWriting(generations)
        var removals: [Action] = []
        for step in rest {
            if case .remove(let path, _, _) = step, let pids = written[path] {
                emit(RunEvent(.warning, .writerStillOpen, set: set, "\(path): still open for writing (pid \(pids)); not removed, dropped by a later run", path: path))
                continue
            }
            if case .remove = step, !config.shred {
                removals.append(step)
                continue
            }
            removeAll(removals, set, config)
            removals = []
            perform(step, set, config)
        }
        removeAll(removals, set, config)
    }
}
