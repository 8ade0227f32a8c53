/// Takes the `Snapshot` the planner needs: every directory a set's patterns walk through, the log
/// directories and their `olddir`s, each listed once with one `fstatat(AT_SYMLINK_NOFOLLOW)` per name.
public struct SnapshotReader {
    public init() {}

    public func read(_ sets: [LogSetConfig]) -> Snapshot {
        var snapshot = Snapshot()
        var tried = Set<String>()
        func list(_ dir: String) -> [String: FileStatus]? {
            if let done = snapshot.directories[dir] { return done }
            if tried.contains(dir) { return nil }
            tried.insert(dir)
            do {
                let handle = try DirectoryHandle.open(dir, followLast: true)
                var entries: [String: FileStatus] = [:]
                for name in try handle.entries() {
                    if let st = try handle.status(name) { entries[name] = st }
                }
                snapshot.directories[dir] = entries
                snapshot.directoryStatuses[dir] = try handle.status()
                return entries
            } catch {
                if error.errno != .noSuchFileOrDirectory { snapshot.unreadable[dir] = error.description }
                return nil
            }
        }
        for set in sets {
            for pattern in set.patterns {
                for path in Glob.expand(pattern, list: list) {
                    guard let old = set.oldDir else { continue }
                    let logDir = PathName.split(path).0
                    _ = list(PathName.normalize(old.hasPrefix("/") ? old : PathName.join(logDir, old)))
                }
            }
        }
        snapshot.index()
        return snapshot
    }
}
