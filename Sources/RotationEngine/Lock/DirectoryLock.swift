#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage
import Synchronization

/// The exclusive lock of one log directory, an open-file-description lock (`fcntl(F_OFD_SETLK)`) on
/// `DIR/.rotatectl.lock`, so two rotatectl runs never rotate the same directory at once. The lock file is
/// created 0600 if missing and removed only by `cleanup --remove`, under the lock; a run that gets the
/// lock checks that the name still names the file it locked, and locks the new one if not. The holder writes `PID EPOCH\n` (its pid and the
/// second it took the lock) into it so a waiting run can say who holds it. Released by `release()` or
/// when the object goes away, and by the kernel when the process dies.
public final class DirectoryLock: Sendable {
    public static let fileName = OwnFiles.lock

    /// What the directory's journals held by runs still going let a new holder do.
    public enum Journals: Sendable {
        /// Nothing: the lock is given only when no run still going holds a journal there (`rotatectl
        /// lock`, `cleanup`: no rotation is half done in the directory while they hold it).
        case noneHeld
        /// Rotate files none of those journals names (another set of the directory): the lock is given
        /// when no held journal names any of these paths.
        case disjoint(from: Set<String>)

        /// Whether the journals held in `dir` keep the lock from being given.
        func blocked(_ dir: DirectoryHandle) -> Bool {
            switch self {
            case .noneHeld: return JournalFile.anyHeld(dir)
            case .disjoint(let paths):
                guard !paths.isEmpty else { return false }   // finishing crashed runs' journals only
                guard let busy = JournalFile.pathsHeldByOtherRuns(dir) else { return true }
                return !busy.isDisjoint(with: paths)
            }
        }
    }
    /// How often a waiting `acquire` retries.
    static let pollInterval = 0.05

    public let path: String
    let key: FileKey
    private let descriptor: Mutex<FileDescriptor?>

    private init(path: String, key: FileKey, descriptor: FileDescriptor) {
        self.path = path
        self.key = key
        self.descriptor = Mutex(descriptor)
    }

    deinit { release() }

    /// Takes the lock of `dir`, retrying every 50 ms for up to `wait` seconds (0: one try; `.infinity`:
    /// until it gets it), logging at info level who holds it every 5 s. Fails at once
    /// with `.nested` when this process or the rotatectl run that started it holds it already.
    /// `journals`: which journals of runs still going may be held there meanwhile.
    public static func acquire(_ dir: DirectoryHandle, wait: Double, logger: Logger?, journals: Journals = .noneHeld) throws(LockError) -> DirectoryLock {
        try acquire(dir, wait: wait, logger: logger, journals: journals,
                    inherited: ProcessEnvironment.value(LockedDirectories.environmentName))
    }

    /// The same, with the inherited `ROTATECTL_LOCKED_DIRS` value given (tests).
    static func acquire(_ dir: DirectoryHandle, wait: Double, logger: Logger?, journals: Journals = .noneHeld,
                        inherited: String?) throws(LockError) -> DirectoryLock {
        let path = dir.child(fileName)
        let status: FileStatus
        do { status = try dir.status() } catch { throw .system(error) }
        let key = FileKey(device: status.device, inode: status.inode)
        // Held by this thread already (a bug) or by the rotatectl run that started this process: waiting
        // would never end. Held by another thread of this process (`watch` runs sets side by side): the
        // OFD lock makes this one wait for it like for any other run.
        let me = pthread_self()
        if LockedDirectories.parse(inherited).contains(key) || LockedDirectories.held.withLock({ $0[key].map { pthread_equal($0, me) != 0 } ?? false }) {
            throw .nested(path: path)
        }
        var fd = try openLockFile(dir, path: path)
        let deadline = monotonicNow() + (wait.isNaN ? 0 : max(0, wait))
        do throws(LockError) {
            while true {
                try waitForLock(fd, path: path, wait: max(0, deadline - monotonicNow()), logger: logger)
                // The lock file was removed (`cleanup --remove`) or replaced while we waited: a run started
                // since locks the new one, so the lock on this one excludes no one. Lock the new one.
                if try !stillNamed(dir, fd, path: path) {
                    fd.unlock(path: path)
                    _ = try? fd.close(path: path)
                    fd = try openLockFile(dir, path: path)
                    continue
                }
                // A run still going that released the directory lock for its scripts or its compression has
                // not finished the rotation it journalled: the files its journal names are still its own.
                guard journals.blocked(dir) else { break }
                fd.unlock(path: path)
                if monotonicNow() >= deadline { throw LockError.journalInUse(path: dir.child(JournalFile.name)) }
                sleepSeconds(min(pollInterval, max(0.001, deadline - monotonicNow())))
            }
        } catch {
            _ = try? fd.close(path: path)
            throw error
        }
        // The OFD lock excludes every other holder, this process's other threads included.
        LockedDirectories.held.withLock { $0[key] = me }
        let lock = DirectoryLock(path: path, key: key, descriptor: fd)
        do {
            try lock.writeHolder()
        } catch where error.errno == .noSpace || error.errno == .diskQuotaExceeded {
            // The holder line only informs whoever finds the lock busy; the lock itself is the OFD lock.
            // On a full file system (when rotating matters most) the lock is taken without it.
            logger?.debug("\(path): holder line not written: \(error)")
        } catch {
            lock.release()
            throw .system(error)
        }
        logger?.debug("locked \(path)")
        return lock
    }

    /// Locks several directories in one global order (device, then inode) so that two runs locking
    /// overlapping sets never deadlock; the same directory given twice is locked once. On failure the
    /// locks already taken are released. `wait` bounds the whole call.
    public static func acquireAll(_ dirs: [DirectoryHandle], wait: Double, logger: Logger?, journals: Journals = .noneHeld) throws(LockError) -> [DirectoryLock] {
        let deadline = monotonicNow() + max(0, wait)
        var locks: [DirectoryLock] = []
        for (_, dir) in try inGlobalOrder(dirs) {
            do {
                locks.append(try acquire(dir, wait: max(0, deadline - monotonicNow()), logger: logger, journals: journals))
            } catch {
                for lock in locks.reversed() { lock.release() }
                throw error
            }
        }
        return locks
    }

    /// Locks several directories in the same global order as `acquireAll`, but goes on past one that
    /// cannot be locked (busy after `wait`, which bounds the whole call): each directory with its lock
    /// or why not. Waiting only in that order, with no lock released, keeps two runs from deadlocking.
    public static func acquireEach(_ dirs: [DirectoryHandle], wait: Double, logger: Logger?, journals: Journals = .noneHeld) throws(LockError)
        -> [(key: FileKey, dir: DirectoryHandle, lock: Result<DirectoryLock, LockError>)] {
        let deadline = monotonicNow() + max(0, wait)
        return try inGlobalOrder(dirs).map { key, dir in
            (key, dir, Result { () throws(LockError) in try acquire(dir, wait: max(0, deadline - monotonicNow()), logger: logger, journals: journals) })
        }
    }

    /// The directories sorted by device and inode, each once (`stat`).
    private static func inGlobalOrder(_ dirs: [DirectoryHandle]) throws(LockError) -> [(FileKey, DirectoryHandle)] {
        var keyed: [(FileKey, DirectoryHandle)] = []
        for dir in dirs {
            let status: FileStatus
            do { status = try dir.status() } catch { throw .system(error) }
            keyed.append((FileKey(device: status.device, inode: status.inode), dir))
        }
        keyed.sort { $0.0 < $1.0 }
        var previous: FileKey?
        return keyed.filter { key, _ in
            defer { previous = key }
            return key != previous
        }
    }

    /// The environment to give scripts run while holding locks: `ROTATECTL_LOCKED_DIRS` naming every
    /// directory this process holds plus those it inherited, so a nested rotatectl fails at once.
    public static func heldEnvironment() -> [String: String] {
        heldEnvironment(inherited: ProcessEnvironment.value(LockedDirectories.environmentName))
    }

    static func heldEnvironment(inherited: String?) -> [String: String] {
        let keys = LockedDirectories.parse(inherited).union(LockedDirectories.held.withLock { $0.keys })
            .union(JournalFile.held.withLock { $0.keys })
        return keys.isEmpty ? [:] : [LockedDirectories.environmentName: LockedDirectories.format(keys)]
    }

    /// Gives the lock up: empties the holder line, unlocks, closes. Calling it twice is harmless.
    public func release() {
        guard let fd = descriptor.withLock({ held in defer { held = nil }; return held }) else { return }
        _ = try? fd.truncate(to: 0, path: path)
        fd.unlock(path: path)
        _ = try? fd.close(path: path)
        let key = self.key
        LockedDirectories.held.withLock { $0[key] = nil }
    }

    /// Whether `release()` has not been called yet.
    public var isHeld: Bool { descriptor.withLock { $0 != nil } }

    // MARK: - Opening

    /// `openat(O_RDWR|O_CREAT|O_NOFOLLOW|O_NONBLOCK, 0600)` and the checks that make writing it safe:
    /// a regular file, ours, with one link (never a hard link to some other file).
    /// Whether `DIR/.rotatectl.lock` still names the file `fd` has open (`fstatat` without following).
    private static func stillNamed(_ dir: DirectoryHandle, _ fd: FileDescriptor, path: String) throws(LockError) -> Bool {
        do {
            let held = try fd.status(path: path)
            guard let named = try dir.status(fileName) else { return false }
            return named.device == held.device && named.inode == held.inode
        } catch {
            throw .system(error)
        }
    }

    private static func openLockFile(_ dir: DirectoryHandle, path: String) throws(LockError) -> FileDescriptor {
        let fd: FileDescriptor
        do {
            fd = try dir.openFile(fileName, O_RDWR | O_CREAT | O_NONBLOCK, mode: 0o600)
        } catch {
            switch error.errno {
            case .tooManySymbolicLinkLevels: throw .hostile(path: path, reason: "it is a symbolic link")
            case .isDirectory: throw .hostile(path: path, reason: "it is a directory")
            case .noSuchAddressOrDevice: throw .hostile(path: path, reason: "it is a socket")
            default: throw .system(error)
            }
        }
        let reason: String?
        do {
            let status = try fd.status(path: path)
            switch status.kind {
            case .regular:
                if status.uid != ProcessIdentity.effectiveUID {
                    reason = "it is owned by uid \(status.uid), not by us (uid \(ProcessIdentity.effectiveUID))"
                } else if status.linkCount != 1 {
                    reason = "it has \(status.linkCount) hard links"
                } else {
                    reason = nil
                }
            case .fifo: reason = "it is a FIFO"
            case .directory: reason = "it is a directory"
            case .socket: reason = "it is a socket"
            case .symlink: reason = "it is a symbolic link"
            case .other: reason = "it is a device"
            }
        } catch {
            _ = try? fd.close(path: path)
            throw .system(error)
        }
        if let reason {
            _ = try? fd.close(path: path)
            throw .hostile(path: path, reason: reason)
        }
        return fd
    }

    // MARK: - Locking

    /// Takes the OFD write lock through `LockWaitLoop` (every 50 ms), logging at info level who holds
    /// it every 5 s; `.busy` with the holder's line when `wait` seconds pass first.
    private static func waitForLock(_ fd: FileDescriptor, path: String, wait: Double, logger: Logger?) throws(LockError) {
        var lastReport = -Double.infinity
        let taken: Bool
        do {
            taken = try LockWaitLoop(wait: wait, firstPause: pollInterval, longestPause: pollInterval).run({ () throws(SystemError) in
                try fd.tryLock(.write, path: path)
            }, stillBusy: { waited in
                guard waited - lastReport >= 5 else { return }
                lastReport = waited
                let holder = LockHolder.read(fd, path: path)
                let who = holder.pid.map { "pid \($0)" } ?? "another process"
                let since = holder.since.map { " for \(max(0, Int64(wallClockNow()) - $0)) s" } ?? ""
                logger?.info("waiting for lock \(path) held by \(who)\(since)")
            })
        } catch {
            throw .system(error)
        }
        if !taken {
            let holder = LockHolder.read(fd, path: path)
            throw .busy(path: path, holderPid: holder.pid, heldSince: holder.since)
        }
    }

    /// Empties the file, then `pwrite`s this process's `PID EPOCH` line (see `LockHolder`).
    private func writeHolder() throws(SystemError) {
        guard let fd = descriptor.withLock({ $0 }) else { return }
        try fd.truncate(to: 0, path: path)
        try fd.writeAll(LockHolder.ownLine(), at: 0, path: path)
    }
}
