import SystemPackage

/// Reading the state file and its side file: everything at first, then only what changed.
extension StateSession {
    /// Everything again: the state file, then the side file, then what this run has not yet written.
    func reload(_ dir: DirectoryHandle) throws {
        // Seen before it is read: a file that cannot be read is not read (and reported) again until it changes.
        stateSeen = try dir.status(parts.name).map(Signature.init)
        let doc = try StateStore.loadDocument(in: dir, name: parts.name)
        warnings += doc.warnings
        if doc.isDamaged {
            let what = doc.headerDamaged ? "its header is not a state file's" : "\(doc.damagedLines) damaged line\(doc.damagedLines == 1 ? "" : "s") skipped"
            damage.append("\(dir.child(parts.name)): damaged state file (\(what)): the entries that could be read are used; the next write leaves the damage out and keeps a copy as \(dir.child(parts.name + ".damaged"))")
        }
        seen = StateStore.Document(entries: [:], warnings: [], format: doc.format, headerDamaged: doc.headerDamaged,
                                   damagedLines: doc.damagedLines)
        var fresh = doc.entries
        pendingSeen = nil
        pendingOffset = 0
        if let (marks, signature, consumed) = try readPending(dir, from: 0) {
            for m in marks { fresh[m.path] = m.time }
            pendingSeen = signature
            pendingOffset = consumed
        }
        Self.applyNewLogs(newLogs[...], to: &fresh)
        for m in undurable { fresh[m.path] = m.time }
        table = fresh
        unseen = 0
    }

    /// First-seen logs are recorded only where the state has no entry.
    static func applyNewLogs(_ sets: ArraySlice<(logs: StateTable, hour: Int64)>, to entries: inout StateTable) {
        for (logs, hour) in sets {
            for (p, _) in logs where entries[p] == nil { entries[p] = hour }
        }
    }

    func applyNewLogs(_ sets: ArraySlice<(logs: StateTable, hour: Int64)>, to entries: inout StateTable) {
        Self.applyNewLogs(sets, to: &entries)
    }

    /// A `fstatat` of each file; the side file's new tail is read when only it grew, everything when
    /// the state file changed or the side file was replaced.
    func refresh(_ dir: DirectoryHandle) throws {
        let state = try dir.status(parts.name).map(Signature.init)
        let pending = try dir.status(pendingName).map(Signature.init)
        guard state == stateSeen else { return try reload(dir) }
        switch (pendingSeen, pending) {
        case (nil, nil): return
        case (let seen?, let now?) where seen == now: return
        case (let seen?, let now?) where seen.sameFile(now) && now.size >= pendingOffset:
            try catchUp(dir, from: pendingOffset)
        case (nil, _?):
            try catchUp(dir, from: 0)
        default:
            try reload(dir)
        }
    }

    func catchUp(_ dir: DirectoryHandle, from offset: Int64) throws {
        guard let (marks, signature, consumed) = try readPending(dir, from: offset) else { return try reload(dir) }
        for m in marks { table[m.path] = m.time }
        pendingSeen = signature
        pendingOffset = consumed
    }

    /// The side file's rotations from `offset` on, its signature, and the offset after its last
    /// complete line; nil when there is no side file.
    func readPending(_ dir: DirectoryHandle, from offset: Int64) throws -> ([StateMark], Signature, Int64)? {
        let pendingPath = dir.child(pendingName)
        guard let file = try dir.readWholeFile(pendingName, from: offset, limit: Int(StateStore.maxSize)) else { return nil }
        guard file.status.kind == .regular else { throw StateError.notRegularFile(path: pendingPath) }
        let start = min(offset, file.status.size)
        let decoded = PendingMarks.decode(file.bytes[...])
        if decoded.damagedLines > 0 {
            warnings.append("\(pendingPath): \(decoded.damagedLines) damaged line\(decoded.damagedLines == 1 ? "" : "s") skipped (an append cut short by a crash?)")
        }
        return (decoded.marks, Signature(file.status), start + Int64(decoded.consumed))
    }
}
