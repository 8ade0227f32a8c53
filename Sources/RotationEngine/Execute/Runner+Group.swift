#if canImport(Glibc)
import Glibc
#endif

extension Runner {
    /// A set of a group with the units it rotates, where its journal goes and the id of its first unit.
    struct GroupPart {
        var plan: SetPlan
        var config: LogSetConfig
        var units: [RotationUnit]
        var home: DirectoryHandle
        var firstID: Int
    }

    /// Whether a set may be executed in a group with its neighbours: it has work, and none of it runs
    /// user code (scripts) or under other rights (`su`) between its steps, so the order of its steps
    /// relative to other sets' steps is seen by nobody. A set that compresses enough logs to start
    /// compressing during its renames (`EarlyCompression`) gains more from that, and runs alone.
    func groupable(_ plan: SetPlan, _ config: LogSetConfig) -> Bool {
        plan.hasWork && plan.firstAction == nil && plan.lastAction == nil && plan.preRemove == nil && config.su == nil
            && !plan.units.contains { $0.preRotate != nil || $0.postRotate != nil }
            && EarlyCompression(units: plan.units, plan: plan, config: config, minimum: CompressionBatch.groupMinimum) == nil
    }

    /// Executes consecutive script-less sets together, as `execute` does one set, but with every
    /// per-set cost paid once for the group: one lock of the union of their directories, one snapshot,
    /// one journal write per directory holding journals, one directory sync, one state record, one
    /// journal removal per directory. Each set is then finished on its own (writers, compression,
    /// removals), with its own configuration.
    func executeGroup(_ members: [(plan: SetPlan, config: LogSetConfig)]) {
        for m in members { reportDecisions(m.plan) }
        let writable = members.filter { stateWritable($0.plan) }
        guard let name = writable.first?.plan.name else { return }
        var (locks, usable) = lock(writable.map(\.plan))
        defer { release(&locks) }
        let locked = zip(writable, usable).filter(\.1).map(\.0)
        guard !locked.isEmpty else { return }
        recoverJournals(locks)
        let state = currentState()
        let snapshot = SnapshotReader().read(locked.map(\.config))
        let held = canonicalHandles(locks, Set(locked.flatMap(\.plan.directories)))
        var parts: [GroupPart] = []
        var newLogs = StateTable()
        var nextID = 0
        var digests: [String: Int] = [:]
        for m in locked {
            let handles = m.plan.directories.compactMap { held[$0] }.sorted { $0.path < $1.path }
            if let swapped = replacedDirectory(handles, snapshot) {
                reportReplaced(swapped, m.plan.name)
                continue
            }
            if unfinishedJournal(Held(handles: handles, locks: []), m.plan) { continue }
            for (path, time) in m.plan.newStateLogs { newLogs[path] = time }
            let units = replan(m.plan, m.config, snapshot, state, digests: &digests, dropping: [])
            guard !units.isEmpty, let home = handles.first else { continue }
            parts.append(GroupPart(plan: m.plan, config: m.config, units: units, home: home, firstID: nextID))
            nextID += units.count
        }
        // One journal per directory holding one, written once for all its sets.
        var journals: [String: (journal: JournalFile, reserve: JournalReserve)] = [:]
        var blocks: [String: [JournalBlock]] = [:]
        for part in parts {
            if journals[part.home.path] == nil { journals[part.home.path] = (JournalFile(part.home), JournalReserve(part.home)) }
            blocks[part.home.path, default: []] += journalBlocks(part.units, part.plan, part.config, from: part.firstID)
        }
        var unwritten = Set<String>()
        for (home, (journal, reserve)) in journals.sorted(by: { $0.key < $1.key }) {
            do {
                try writeJournal(journal, blocks[home] ?? [], reserve, name)
                FaultInjection.point("journal written")
            } catch {
                for part in parts where part.home.path == home {
                    emit(RunEvent(.error, set: part.plan.name, "\(error); log set not rotated"))
                }
                setFailed = true
                unwritten.insert(home)
            }
        }
        parts.removeAll { unwritten.contains($0.home.path) }
        journals = journals.filter { !unwritten.contains($0.key) }
        // Every rename of every set, then one sync of the directories they changed.
        var active: [[RotationUnit]] = []
        var cancelled: [String: [JournalBlock]] = [:]
        var marks: [StateMark] = []
        for part in parts {
            var done: [RotationUnit] = []
            for (k, unit) in part.units.enumerated() {
                if rotate(unit, part.plan.name, part.config) {
                    done.append(unit)
                    marks += unit.logs.map { StateMark(path: $0.path, time: now) }
                } else {
                    setFailed = true
                    cancelled[part.home.path, default: []].append(.cancel(id: part.firstID + k))
                }
            }
            active.append(done)
        }
        syncChanged(name)
        for (home, ids) in cancelled.sorted(by: { $0.key < $1.key }) { try? journals[home]?.journal.append(ids) }
        let recorded = saveState(name, marks: marks, newLogs: newLogs)
        FaultInjection.point("state saved")
        var unsynced = Set<String>()
        for (part, units) in zip(parts, active) {
            finish(units, part.plan, part.config, keeping: [])
            if keepJournal { unsynced.insert(part.home.path) }
            keepJournal = false
        }
        for (home, (journal, reserve)) in journals.sorted(by: { $0.key < $1.key }) {
            close(journal, reserve, recorded: recorded, unsynced: unsynced.contains(home), name)
        }
    }

    /// Each existing directory of `paths` mapped to the locked handle of the same directory (device and
    /// inode): a directory named by two paths is locked, and journalled, once.
    func canonicalHandles(_ held: Held, _ paths: Set<String>) -> [String: DirectoryHandle] {
        var byKey: [FileKey: DirectoryHandle] = [:]
        for handle in held.handles {
            if let st = try? handle.status() { byKey[FileKey(st)] = handle }
        }
        var byPath: [String: DirectoryHandle] = [:]
        for path in paths {
            if let st = try? directories.handle(path).status(), let canonical = byKey[FileKey(st)] { byPath[path] = canonical }
        }
        return byPath
    }
}
