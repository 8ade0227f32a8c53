/// Which entries a write of the state file forgets, so that the file does not grow forever.
///
/// logrotate's rule (`writeState` in logrotate.c): an entry not rotated for more than a solar year
/// (31,556,926 seconds) is dropped unless its log was found by this run. rotatectl asks the file system
/// instead of this run's configuration: an entry older than that is dropped when nothing is at its path
/// (`fstatat` says ENOENT or ENOTDIR), so a run given only some configuration files does not forget the
/// logs of the others.
enum StateRetention {
    /// logrotate's `SECONDS_IN_YEAR`.
    static let year: Int64 = 31_556_926

    /// Whether an entry last rotated at `time` is old enough to be forgotten at `now`.
    static func isStale(_ time: Int64, now: Int64) -> Bool {
        time < now && now - time > year
    }

    /// The paths of `entries` that are stale at `now` and for which `exists` says nothing is there.
    static func forgotten(_ entries: StateTable, now: Int64, exists: (String) -> Bool = pathExists) -> [String] {
        entries.paths { isStale($0, now: now) }.filter { !exists($0) }
    }

    /// Removes `paths` from `entries` where they are still stale (another run may have recorded a
    /// rotation since they were chosen).
    static func forget(_ paths: [String], in entries: inout StateTable, now: Int64) {
        for path in paths {
            if let time = entries[path], isStale(time, now: now) { entries[path] = nil }
        }
    }

    /// Whether anything is at `path` (`fstatat(AT_SYMLINK_NOFOLLOW)` in its directory). Only a
    /// missing file or directory counts as missing: any other error keeps the entry.
    static func pathExists(_ path: String) -> Bool {
        let parts = StatePath(path)
        do {
            guard let dir = try parts.openDirectory() else { return false }
            return try dir.status(parts.name) != nil
        } catch where error.errno == .notDirectory {
            return false
        } catch {
            return true
        }
    }
}
