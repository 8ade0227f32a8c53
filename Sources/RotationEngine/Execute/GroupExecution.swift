/// Consecutive script-less sets executed together, as `SetExecution` does one set, but with every per-set
/// cost paid once for the group: one lock of the union of their directories, one snapshot, one journal
/// write per directory holding journals, one directory sync, one state record, one journal removal per
/// directory. Each set is then finished on its own (writers, compression, removals), with its own
/// configuration.
struct GroupExecution: RunPart {
    /// A set of a group with the units it rotates, where its journal goes and the id of its first unit.
    struct Part {
        var plan: SetPlan
        var config: LogSetConfig
        var units: [RotationUnit]
        var home: DirectoryHandle
        var firstID: Int
    }

    let context: RunContext
    let members: [(plan: SetPlan, config: LogSetConfig)]

    /// Whether a set may be executed in a group with its neighbours: it has work, and none of it runs
    /// user code (scripts, mail) or under other rights (`su`) between its steps, so the order of its steps
    /// relative to other sets' steps is seen by nobody. A set that compresses enough logs to start
    /// compressing during its renames (`EarlyCompression`) gains more from that, and runs alone.
    static func groupable(_ plan: SetPlan, _ config: LogSetConfig) -> Bool {
        plan.hasWork && plan.firstAction == nil && plan.lastAction == nil && plan.preRemove == nil && config.su == nil
            && config.mail == nil
            && !plan.units.contains { $0.preRotate != nil || $0.postRotate != nil }
            && EarlyCompression(units: plan.units, plan: plan, config: config, minimum: CompressionBatch.groupMinimum) == nil
    }

    func run() -> Outcome {
        context.outcome { execute() }
    }

    private func execute() {
        for m in members { context.reportDecisions(m.plan) }
        let writable = members.filter { context.stateWritable($0.plan) }
        guard let name = writable.first?.plan.name else { return }
        var (locks, usable) = context.lock(writable.map(\.plan))
        defer { context.release(&locks) }
        let locked = zip(writable, usable).filter(\.1).map(\.0)
        guard !locked.isEmpty else { return }
        JournalReplay(context: context).recover(locks)
        let planned = plan(locked, locks)
        var parts = planned.parts
        let newLogs = planned.newLogs
        // One journal per directory holding one, written once for all its sets.
        var journals: [String: (journal: JournalFile, reserve: JournalReserve)] = [:]
        var blocks: [String: [JournalBlock]] = [:]
        for part in parts {
            if journals[part.home.path] == nil { journals[part.home.path] = (JournalFile(part.home), JournalReserve(part.home)) }
            blocks[part.home.path, default: []] += context.journalBlocks(part.units, part.plan, part.config, from: part.firstID)
        }
        for (home, (journal, reserve)) in journals.sorted(by: { $0.key < $1.key }) {
            let sets = parts.filter { $0.home.path == home }.map(\.plan.name)
            if !context.writeJournal(journal, blocks[home] ?? [], reserve, sets: sets) {
                parts.removeAll { $0.home.path == home }
                journals[home] = nil
            }
        }
        // Every rename of every set, then one sync of the directories they changed.
        let steps = StepRunner(context: context, leftovers: .distrust)
        var active: [[RotationUnit]] = []
        var cancelled: [String: [JournalBlock]] = [:]
        var marks: [StateMark] = []
        for part in parts {
            var done: [RotationUnit] = []
            for (k, unit) in part.units.enumerated() {
                if steps.rotate(unit, part.plan.name, part.config) {
                    done.append(unit)
                    marks += unit.logs.filter(\.recordsRotation).map { StateMark(path: $0.path, time: context.now) }
                } else {
                    cancelled[part.home.path, default: []].append(.cancel(id: part.firstID + k))
                }
            }
            active.append(done)
        }
        context.syncChanged(name)
        for (home, ids) in cancelled.sorted(by: { $0.key < $1.key }) { try? journals[home]?.journal.append(ids) }
        let recorded = context.saveState(name, marks: marks, newLogs: newLogs)
        FaultInjection.point("state saved")
        // The journals stay locked to the end: other sets of these directories may be rotated meanwhile.
        context.release(&locks)
        var unsynced = Set<String>()
        for (part, units) in zip(parts, active) where steps.finish(units, part.plan, part.config, keeping: [],
                                                                             mail: { Set($0.compactMap(\.primaryPath)) }) {
            unsynced.insert(part.home.path)
        }
        for (home, (journal, reserve)) in journals.sorted(by: { $0.key < $1.key }) {
            context.close(journal, reserve, recorded: recorded, unsynced: unsynced.contains(home), name)
        }
    }

    /// The sets of the group that can rotate now, each planned again under the lock on one snapshot;
    /// a set in a directory replaced meanwhile, or beside a journal that could not be finished, is
    /// reported and left out. With the first state entries of the logs the kept sets saw for the first time.
    private func plan(_ locked: [(plan: SetPlan, config: LogSetConfig)], _ locks: RunContext.Held) -> (parts: [Part], newLogs: StateTable) {
        let state = context.currentState()
        let snapshot = SnapshotReader().read(locked.map(\.config))
        let held = canonicalHandles(locks, Set(locked.flatMap(\.plan.directories)))
        var parts: [Part] = []
        var newLogs = StateTable()
        var nextID = 0
        var digests: [String: Int] = [:]
        for m in locked {
            let handles = m.plan.directories.compactMap { held[$0] }.sorted { $0.path < $1.path }
            if context.replacedDirectory(handles, snapshot, m.plan.name) != nil { continue }
            if JournalReplay(context: context).unfinished(RunContext.Held(handles: handles, locks: []), m.plan) { continue }
            for (path, time) in m.plan.newStateLogs { newLogs[path] = time }
            let units = context.replan(m.plan, m.config, snapshot, state, digests: &digests, dropping: [])
            guard !units.isEmpty, let home = handles.first else { continue }
            if context.busyElsewhere(units, RunContext.Held(handles: handles, locks: []), m.plan.name) { continue }
            parts.append(Part(plan: m.plan, config: m.config, units: units, home: home, firstID: nextID))
            nextID += units.count
        }
        return (parts, newLogs)
    }

    /// Each existing directory of `paths` mapped to the locked handle of the same directory (device and
    /// inode): a directory named by two paths is locked, and journalled, once.
    private func canonicalHandles(_ held: RunContext.Held, _ paths: Set<String>) -> [String: DirectoryHandle] {
        var byKey: [FileKey: DirectoryHandle] = [:]
        for handle in held.handles {
            if let st = try? handle.status() { byKey[FileKey(st)] = handle }
        }
        var byPath: [String: DirectoryHandle] = [:]
        for path in paths {
            if let st = try? context.directories.handle(path).status(), let canonical = byKey[FileKey(st)] { byPath[path] = canonical }
        }
        return byPath
    }
}
