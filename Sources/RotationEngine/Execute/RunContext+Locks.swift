/// Directory locks for the parts of a run: taken in one global order, released before scripts.
extension RunContext {
    /// The directories of a set (or group) and their locks while held.
    struct Held {
        var handles: [DirectoryHandle]
        var locks: [DirectoryLock]
    }

    /// Locks the set's existing directories in one global order; nil (reported, busy or failed) when it
    /// cannot. Returns the handles, sorted by path, with their locks.
    func lock(_ plan: SetPlan) -> Held? {
        var (held, usable) = lock([plan])
        guard usable.first == true else {
            release(&held)
            return nil
        }
        return held
    }

    /// Locks the existing directories of several sets in one global order, going on past a directory
    /// that cannot be locked: each set naming one is reported skipped (busy: exit status 3). Returns the
    /// directories locked (sorted by path, each directory once) and, by set, whether all of its are.
    func lock(_ plans: [SetPlan]) -> (held: Held, usable: [Bool]) {
        var usable = [Bool](repeating: true, count: plans.count)
        var handles: [String: DirectoryHandle] = [:]
        for (i, plan) in plans.enumerated() {
            for dir in plan.directories where handles[dir] == nil {
                do {
                    handles[dir] = try directories.handle(dir)
                } catch {
                    if error.errno == .noSuchFileOrDirectory { continue }   // an olddir still to be created
                    emit(RunEvent(.error, .directoryUnusable, set: plan.name, "\(error); log set skipped", path: dir, system: error))
                    usable[i] = false
                    break
                }
            }
        }
        // A directory already found busy past --wait in this run is not waited for a second time.
        let wait = plans.contains { $0.directories.contains(where: busyDirectories.contains) } ? 0 : options.wait
        let results: [(key: FileKey, dir: DirectoryHandle, lock: Result<DirectoryLock, LockError>)]
        do {
            // Another set of a directory may be rotated while a run still going finishes its own there.
            let paths = plans.reduce(into: Set<String>()) { $0.formUnion($1.touchedPaths) }
            results = try DirectoryLock.acquireEach(Array(handles.values), wait: wait, logger: options.verbose ? logger : nil,
                                                    journals: .disjoint(from: paths))
        } catch {
            for (i, plan) in plans.enumerated() where usable[i] { reportLockFailure(error, plan.name, waited: wait) }
            return (Held(handles: [], locks: []), [Bool](repeating: false, count: plans.count))
        }
        var held = Held(handles: [], locks: [])
        var failed: [FileKey: LockError] = [:]
        for r in results {
            switch r.lock {
            case .success(let l):
                held.handles.append(r.dir)
                held.locks.append(l)
            case .failure(let e):
                failed[r.key] = e
            }
        }
        held.handles.sort { $0.path < $1.path }
        if !failed.isEmpty {
            for (i, plan) in plans.enumerated() where usable[i] {
                let keys = plan.directories.compactMap { handles[$0].flatMap { try? $0.status() }.map(FileKey.init) }
                if let error = keys.lazy.compactMap({ failed[$0] }).first {
                    reportLockFailure(error, plan.name, waited: wait)
                    usable[i] = false
                }
            }
        }
        return (held, usable)
    }

    func reportLockFailure(_ error: LockError, _ set: String, waited: Double) {
        let code: EventCode
        switch error {
        case .busy(let path, _, _): code = .lockBusy; busyDirectories.insert(PathName.split(path).0)
        case .nested(let path): code = .nestedRun; busyDirectories.insert(PathName.split(path).0)
        // Busy for this set's files only: another set of the directory may still get it at once.
        case .journalInUse: code = .journalInUse
        case .hostile(let path, _):
            emit(RunEvent(.error, .lockFailed, set: set, "\(error); log set skipped", path: path))
            return
        case .system(let system):
            emit(RunEvent(.error, .lockFailed, set: set, "\(error); log set skipped", path: system.path, system: system))
            return
        }
        emit(RunEvent(.lock, code, set: set, "\(error); log set skipped after waiting \(Int(waited)) s"))
    }

    /// The first locked directory whose path, listed again, names another directory than the one
    /// opened (moved away and replaced, by a symbolic link for instance, while the locks were released);
    /// reported. Nil when none was.
    func replacedDirectory(_ handles: [DirectoryHandle], _ snapshot: Snapshot, _ set: String) -> String? {
        for handle in handles {
            guard let now = snapshot.directoryStatuses[handle.path], let opened = try? handle.status() else { continue }
            if now.device != opened.device || now.inode != opened.inode {
                emit(RunEvent(.error, .directoryReplaced, set: set,
                              "\(handle.path): replaced while scripts ran (the path now names another directory); log set not rotated",
                              path: handle.path))
                return handle.path
            }
        }
        return nil
    }

    /// Whether a unit of `units` names a file that a journal of a run still going in `held`'s
    /// directories names (it rotated those files meanwhile, then released the directory lock for its
    /// scripts or compression); reported as busy for `set`.
    func busyElsewhere(_ units: [RotationUnit], _ held: Held, _ set: String) -> Bool {
        let paths = units.reduce(into: Set<String>()) { $0.formUnion($1.touchedPaths) }
        guard !paths.isEmpty else { return false }
        for dir in held.handles where DirectoryLock.Journals.disjoint(from: paths).blocked(dir) {
            reportLockFailure(.journalInUse(path: dir.child(JournalFile.name)), set, waited: 0)
            return true
        }
        return false
    }

    func release(_ held: inout Held) {
        for l in held.locks { l.release() }
        held.locks = []
    }
}
