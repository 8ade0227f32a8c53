extension Watcher {
    /// Every set read again from disk: the directories to watch (watches added and removed to match),
    /// and every set dirty. Done at start, every `rescanInterval`, after a queue overflow, and when a
    /// directory appears, goes or is replaced.
    func rescan() {
        let sets = configuration.logSets
        targets = WatchTargets(sets, SnapshotReader().read(sets))
        nextRescan = monotonicNow() + options.rescanInterval
        syncWatches()
        dirty = Set(sets.indices)
    }

    /// A watch on every directory the sets read, and on the nearest existing ancestor of each one that
    /// does not exist yet (its appearing is a directory event there, which calls for a re-scan); every
    /// other watch removed.
    func syncWatches() {
        guard let inotify else { return }
        var wanted = Set(targets.directories)
        for dir in targets.directories where watchOf[dir] == nil { _ = watch(dir) }
        for dir in targets.missing {
            var ancestor = PathName.split(dir).0
            while true {
                let already = watchOf[ancestor] != nil
                let result = already ? .watched : watch(ancestor, missingIsExpected: true)
                if result != .missing {
                    wanted.insert(ancestor)
                    // The directory below it towards `dir` may have been made between the snapshot and
                    // this watch, its event then lost: looked at again at once (each re-scan watches
                    // one level deeper, so this ends).
                    if result == .watched && !already && Self.madeMeanwhile(below: ancestor, towards: dir) { nextRescan = 0 }
                    break
                }
                if ancestor == "/" || ancestor == "." { break }
                ancestor = PathName.split(ancestor).0
            }
        }
        for (dir, wd) in watchOf where !wanted.contains(dir) {
            inotify.removeWatch(wd)
            forget(wd)
        }
    }

    enum WatchResult { case watched, missing, failed }

    /// Whether the directory one level below `ancestor` on the way to `dir` exists now.
    static func madeMeanwhile(below ancestor: String, towards dir: String) -> Bool {
        let rest = dir.dropFirst(ancestor == "/" ? 1 : ancestor.count + 1)
        guard let step = rest.split(separator: "/").first else { return false }
        let next = ancestor == "/" ? "/" + step : ancestor + "/" + step
        return (try? DirectoryHandle.open(next)) != nil
    }

    /// `inotify_add_watch` on `dir`. A directory that is not there (or not a directory) is `.missing`,
    /// reported only when not `missingIsExpected`; any other failure (ENOSPC: fs.inotify.max_user_watches
    /// reached) is reported once, and the re-scan still looks at the directory.
    func watch(_ dir: String, missingIsExpected: Bool = false) -> WatchResult {
        guard let inotify else { return .failed }
        do throws(SystemError) {
            let wd = try inotify.addWatch(dir, mask: .logDirectory)
            watchOf[dir] = wd
            directoryOf[wd] = dir
            unwatchable.remove(dir)
            return .watched
        } catch {
            let missing = error.errno == .noSuchFileOrDirectory || error.errno == .notDirectory
            if missing && missingIsExpected { return .missing }
            if unwatchable.insert(dir).inserted {
                notice(WatchEvent(.warning, .watchUnwatched, "\(error): looked at only every \(Self.seconds(options.rescanInterval)) (the re-scan)"))
            }
            return missing ? .missing : .failed
        }
    }

    func forget(_ wd: Int32) {
        if let dir = directoryOf[wd] { watchOf[dir] = nil }
        directoryOf[wd] = nil
    }

    /// One inotify event: its directory's sets become dirty; a directory appearing, going or being
    /// replaced, or a lost event, calls for a re-scan.
    func handle(_ event: InotifyEvent) {
        if event.mask.contains(.queueOverflow) {
            if nextRescan > 0 {
                notice(WatchEvent(.warning, .watchOverflow, "the kernel's event queue overflowed: every set is looked at again"))
            }
            nextRescan = 0
            return
        }
        guard let dir = directoryOf[event.watch] else { return }
        if !event.mask.isDisjoint(with: [.ignored, .deleteSelf, .moveSelf]) {
            inotify?.removeWatch(event.watch)
            forget(event.watch)
            nextRescan = 0
            return
        }
        if event.mask.contains(.isDirectory) {
            // In a directory watched only as the ancestor of missing ones, only the way to them counts.
            let child = PathName.join(dir, event.name)
            if targets.setsByDirectory[dir] != nil || targets.missing.contains(where: { $0 == child || $0.hasPrefix(child + "/") }) {
                nextRescan = 0
            }
            return
        }
        if OwnFiles.contains(event.name) { return }
        dirty.formUnion(targets.setsByDirectory[dir] ?? [])
    }

    /// Waits for events until the next thing due (a boundary, a held set, the next evaluation of dirty
    /// sets, the re-scan, the watchdog), or a signal. False when inotify failed.
    func waitForEvents() -> Bool {
        guard let inotify else { return false }
        let now = monotonicNow()
        var until = nextRescan
        if let boundary = boundaries.values.min() { until = min(until, now + Double(boundary) - clock.seconds) }
        if let next = held.values.min() { until = min(until, next) }
        if !dirty.isEmpty { until = min(until, lastEvaluation + options.checkInterval) }
        if let watchdog { until = min(until, lastPing + watchdog / 2) }
        do throws(SystemError) {
            if try inotify.wait(seconds: max(0, until - now), wake: workers?.wake) { try inotify.drain(handle) }
            return true
        } catch {
            notice(WatchEvent(.error, .watchFailed, "cannot watch: \(error)"))
            return false
        }
    }
}
