#if canImport(Glibc)
import Glibc
#endif

/// Takes the `Snapshot` the planner needs: every directory a set's patterns walk through, the log
/// directories and their `olddir`s, each listed once with one `fstatat(AT_SYMLINK_NOFOLLOW)` per name.
/// Names are kept as the bytes `readdir` gave (a name that is not UTF-8 too: `Listing` decodes it with
/// `FileNameEncoding`, so every later call names the same file).
public struct SnapshotReader {
    public init() {}

    public func read(_ sets: [LogSetConfig]) -> Snapshot {
        var snapshot = Snapshot()
        var tried = Set<String>()
        func list(_ dir: String) -> Listing? {
            if let done = snapshot.directories[dir] { return done }
            if tried.contains(dir) { return nil }
            tried.insert(dir)
            do {
                let handle = try DirectoryHandle.openTrusted(dir)
                var builder = Listing.Builder()
                try handle.forEachEntryName { builder.append($0) }
                let entries = try builder.finish { (name: UnsafePointer<CChar>) throws(SystemError) in
                    try handle.status(cName: name)
                }
                snapshot.directories[dir] = entries
                snapshot.directoryStatuses[dir] = try handle.status()
                return entries
            } catch {
                if error.errno != .noSuchFileOrDirectory { snapshot.unreadable[dir] = error.description }
                return nil
            }
        }
        for set in sets { Snapshot.walk(set, list: list) }
        return snapshot
    }
}
