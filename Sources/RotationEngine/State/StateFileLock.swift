#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Synchronization

/// The run-wide lock on the state file: `flock(LOCK_EX)` on the state file itself, the lock logrotate
/// 3.21 takes, so two runs on one state file, rotatectl's or logrotate's, exclude each other for the
/// whole run (scripts included, as logrotate). A missing state file is created empty first, as
/// logrotate does. The file is replaced by rename when written: a run that gets the lock checks that
/// the name still names the file it locked, and locks again if not; a run's own writes lock the new file
/// before renaming it into place (`adopt`), and every file locked stays locked until `release()`, so
/// that a logrotate waiting on an older one (`--wait-for-state-lock`) does not start mid-run.
public final class StateFileLock: @unchecked Sendable {
    /// How long `acquire` waits for another holder.
    public enum Waiting: Sendable, Equatable {
        /// One try (logrotate without `--wait-for-state-lock`).
        case once
        case seconds(Double)
        /// As long as it takes (`--wait-for-state-lock`).
        case forever
    }

    /// The state files this process holds locked (each file a write replaced too): given to scripts in
    /// `ROTATECTL_LOCKED_DIRS`, so that a nested run on the same state file fails at once.
    static let held = Mutex<Set<FileKey>>([])

    public let path: String
    private let lock = Mutex<[(fd: FileDescriptor, key: FileKey)]>([])

    private init(path: String, fd: FileDescriptor, key: FileKey) {
        self.path = path
        lock.withLock { $0 = [(fd, key)] }
    }

    deinit { release() }

    /// Locks the state file at `statePath`, creating it empty (mode 0600) if missing. Nil for
    /// `/dev/null` (no state). Throws `StateError.stateLocked` when another run held it for the whole
    /// wait, `.nestedRun` when this process or the run that started it holds it, `.insecureStateFile` when
    /// it is readable by others (anyone could lock it: logrotate then skips its lock with a warning).
    public static func acquire(statePath: String, waiting: Waiting) throws -> StateFileLock? {
        try acquire(statePath: statePath, waiting: waiting, inherited: ProcessEnvironment.value(LockedDirectories.environmentName))
    }

    static func acquire(statePath: String, waiting: Waiting, inherited: String?) throws -> StateFileLock? {
        if StatePath.isDiscarded(statePath) { return nil }
        let parts = StatePath(statePath)
        let dir = try parts.openOrCreateDirectory()
        let path = dir.child(parts.name)
        let start = monotonicNow()
        let ancestors = LockedDirectories.parse(inherited)
        while true {
            let (fd, key) = try open(dir, name: parts.name, path: path)
            do {
                if ancestors.contains(key) || held.withLock({ $0.contains(key) }) { throw StateError.nestedRun(path: path) }
                guard try take(fd, path: path, waiting: waiting, since: start) else { throw StateError.stateLocked(path: path) }
                // The holder before us may have replaced the file by rename: then the lock is on a file
                // the name no longer names, and the new one is locked again.
                if let now = try dir.status(parts.name), FileKey(now) == key {
                    let inserted = held.withLock { $0.insert(key).inserted }
                    guard inserted else { throw StateError.nestedRun(path: path) }
                    return StateFileLock(path: path, fd: fd, key: key)
                }
            } catch {
                try? fd.close(path: path)
                throw error
            }
            try fd.close(path: path)
        }
    }

    /// `openat(O_RDWR)` (`O_RDONLY` on a read-only file system), or a new empty file (`O_CREAT|O_EXCL`,
    /// 0600) when there is none; a regular file of ours not readable by others.
    private static func open(_ dir: DirectoryHandle, name: String, path: String) throws -> (FileDescriptor, FileKey) {
        let fd = try openOrCreate(dir, name: name)
        do {
            let st = try fd.status(path: path)
            guard st.kind == .regular else { throw StateError.notRegularFile(path: path) }
            if st.mode & 0o004 != 0 || st.uid != ProcessIdentity.effectiveUID { throw StateError.insecureStateFile(path: path) }
            return (fd, FileKey(st))
        } catch {
            try? fd.close(path: path)
            throw error
        }
    }

    private static func openOrCreate(_ dir: DirectoryHandle, name: String) throws(SystemError) -> FileDescriptor {
        for _ in 0..<100 {
            do {
                return try dir.openFile(name, O_RDWR)
            } catch where error.errno == .readOnlyFileSystem || error.errno == .permissionDenied {
                // flock needs no write access: the run goes on and reports the state it cannot write.
                return try dir.openFile(name, O_RDONLY)
            } catch where error.errno == .noSuchFileOrDirectory {
                do {
                    return try dir.openFile(name, O_RDWR | O_CREAT | O_EXCL, mode: 0o600)
                } catch where error.errno == .fileExists {
                    continue   // created meanwhile by another run: opened as it is
                }
            }
        }
        throw SystemError("openat", path: dir.child(name), errno: .fileExists)
    }

    /// One `flock` try, or tries until `since + seconds`, or a blocking `flock`.
    private static func take(_ fd: FileDescriptor, path: String, waiting: Waiting, since start: Double) throws(SystemError) -> Bool {
        switch waiting {
        case .once:
            return try fd.tryExclusiveFlock(path: path)
        case .forever:
            try fd.exclusiveFlockWaiting(path: path)
            return true
        case .seconds(let seconds):
            let loop = LockWaitLoop(wait: max(0, seconds - (monotonicNow() - start)), firstPause: 0.002, longestPause: 0.05)
            return try loop.run({ () throws(SystemError) in try fd.tryExclusiveFlock(path: path) })
        }
    }

    /// A descriptor for a new state file written by this run, already locked (`lockForAdoption`), now
    /// renamed into place: kept locked with the others until `release()`.
    func adopt(_ fd: FileDescriptor, path: String) throws(SystemError) {
        let key = FileKey(try fd.status(path: path))
        Self.held.withLock { _ = $0.insert(key) }
        lock.withLock { $0.append((fd, key)) }
    }

    /// Locks `fd`, a new state file about to be renamed into place, through a second descriptor that
    /// outlives the first one's close; the caller `adopt`s it after the rename, or closes it.
    static func lockForAdoption(_ fd: FileDescriptor, path: String) throws(SystemError) -> FileDescriptor {
        let kept = try fd.duplicateCloseOnExec(path: path)
        do throws(SystemError) {
            guard try kept.tryExclusiveFlock(path: path) else {
                throw SystemError("flock", path: path, errno: .resourceTemporarilyUnavailable)
            }
        } catch {
            try? kept.close(path: path)
            throw error
        }
        return kept
    }

    /// The environment for scripts: `ROTATECTL_LOCKED_DIRS` as inherited, plus the state files this
    /// process holds locked.
    public static func heldEnvironment() -> [String: String] {
        let inherited = ProcessEnvironment.value(LockedDirectories.environmentName)
        let keys = LockedDirectories.parse(inherited).union(held.withLock { $0 })
        return keys.isEmpty ? [:] : [LockedDirectories.environmentName: LockedDirectories.format(keys)]
    }

    /// How many files (the first and each replacement) the lock holds.
    public var count: Int { lock.withLock { $0.count } }

    /// Drops the lock: closes every descriptor. The state file stays (logrotate's stub too).
    public func release() {
        let all = lock.withLock { held in defer { held = [] }; return held }
        for (fd, key) in all {
            try? fd.close(path: path)
            _ = Self.held.withLock { $0.remove(key) }
        }
    }
}
