import Synchronization

/// One `StateFileLock` shared by the runs one process has under way at once (`rotatectl watch` runs
/// groups of sets that share no directory side by side): the first run to start takes the lock, the
/// last to end drops it, and a run in between finds it held by its own process and uses it. To every
/// other process it is one run holding the lock, as logrotate expects; between two busy spells the
/// lock is free, so a `run` from cron gets its turn.
public final class StateLockLease: @unchecked Sendable {
    public let statePath: String
    private struct Held { var lock: StateFileLock?; var users = 0 }
    private let held = Mutex(Held())

    public init(statePath: String) { self.statePath = statePath }

    /// The lock, taken with `waiting` if no run of this process holds it. Throws as
    /// `StateFileLock.acquire` does; nil for `/dev/null`. Each successful call is matched by `release()`.
    public func acquire(waiting: StateFileLock.Waiting) throws -> StateFileLock? {
        try held.withLock { held in
            if held.users == 0 { held.lock = try StateFileLock.acquire(statePath: statePath, waiting: waiting) }
            held.users += 1
            return held.lock
        }
    }

    /// Ends one run's use; the last one releases the lock.
    public func release() {
        let last: StateFileLock? = held.withLock { held in
            held.users = max(0, held.users - 1)
            guard held.users == 0 else { return nil }
            defer { held.lock = nil }
            return held.lock
        }
        last?.release()
    }

    /// How many runs use the lock now.
    public var users: Int { held.withLock { $0.users } }
}
