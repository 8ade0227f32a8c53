extension Watcher {
    /// Every set read again from disk: the directories to watch (watches added and removed to match),
    /// and every set dirty. Done at start, every `rescanInterval`, after a queue overflow, and when a
    /// directory appears, goes or is replaced.
    func rescan() {
        let sets = configuration.logSets
        targets = WatchTargets(sets, SnapshotReader().read(sets))
        syncWatches()
        dirty = Set(sets.indices)
        nextRescan = monotonicNow() + options.rescanInterval
    }

    func syncWatches() {
        guard let inotify else { return }
        let wanted = targets.setsByDirectory
        for (dir, wd) in watchOf where wanted[dir] == nil {
            inotify.removeWatch(wd)
            forget(wd)
        }
        for dir in targets.directories where watchOf[dir] == nil {
            do throws(SystemError) {
                let wd = try inotify.addWatch(dir, mask: .logDirectory)
                watchOf[dir] = wd
                directoryOf[wd] = dir
                unwatchable.remove(dir)
            } catch {
                // ENOSPC: fs.inotify.max_user_watches reached. The re-scan still looks at it.
                if unwatchable.insert(dir).inserted {
                    notice(WatchEvent(.warning, .watchUnwatched, "\(error): looked at only every \(Self.seconds(options.rescanInterval)) (the re-scan)"))
                }
            }
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
            nextRescan = 0
            return
        }
        if event.name == OwnFiles.lock || event.name == OwnFiles.journal || event.name == OwnFiles.reserve { return }
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
