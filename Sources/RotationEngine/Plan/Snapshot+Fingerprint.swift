extension Snapshot {
    /// A digest of all that the planner can see of one set in this snapshot: each directory of
    /// `Snapshot.walk` (the order `SnapshotReader` lists them in), with its entries, their statuses, its
    /// identity, owner and mode, or why it could not be read. The planner is a pure function, so two
    /// snapshots with the same fingerprint for a set, with the same state, clock and options, give the
    /// same plan for it: the executor then need not plan a set again under its lock. The hash is keyed
    /// per process (`Hasher`), so nobody can make a changed directory collide on purpose. rotatectl's
    /// lock and journal reserve are left out: each run rewrites them, and the planner never plans them
    /// (`OwnFiles.contains`).
    public func fingerprint(of set: LogSetConfig) -> Int {
        var digests: [String: Int] = [:]
        return fingerprint(of: set, digests: &digests)
    }

    /// The same, with the digest of each directory kept in `digests` for the next sets of the same
    /// snapshot: a thousand sets of one directory hash its listing once, not a thousand times.
    public func fingerprint(of set: LogSetConfig, digests: inout [String: Int]) -> Int {
        var hasher = Hasher()
        var seen = Set<String>()
        func list(_ dir: String) -> Listing? {
            if seen.insert(dir).inserted {
                hasher.combine(dir)
                if let digest = digests[dir] {
                    hasher.combine(digest)
                } else {
                    let digest = self.digest(of: dir)
                    digests[dir] = digest
                    hasher.combine(digest)
                }
            }
            return directories[dir]
        }
        Snapshot.walk(set, list: list)
        return hasher.finalize()
    }

    /// What the planner can see of one directory: its entries with their statuses, or that it could
    /// not be listed, and of the directory itself what the planner reads (its owner and mode) and which
    /// one it is; not its times and size, which change when rotatectl's own files come and go.
    func digest(of dir: String) -> Int {
        var hasher = Hasher()
        if let listing = directories[dir] {
            hasher.combine(true)
            listing.fingerprint(into: &hasher, excluding: [OwnFiles.lock, OwnFiles.reserve])
        } else {
            hasher.combine(false)
        }
        if let d = directoryStatuses[dir] {
            hasher.combine(d.device)
            hasher.combine(d.inode)
            hasher.combine(d.kind)
            hasher.combine(d.mode)
            hasher.combine(d.uid)
            hasher.combine(d.gid)
        }
        hasher.combine(unreadable[dir])
        return hasher.finalize()
    }
}
