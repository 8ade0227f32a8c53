#if canImport(Glibc)
import Glibc
#endif

/// How a run behaves: the command line's options.
public struct RunOptions: Sendable {
    public var force = false
    public var dryRun = false
    public var verbose = false
    public var json = false
    public var statePath = "/var/lib/rotatectl/status"
    /// Seconds to wait for a busy directory lock.
    public var wait: Double = 60
    /// How the state file's lock is taken when another run holds it.
    public var stateLocking: StateLocking = .bounded
    /// The mail command `mail`, `mailfirst` and `maillast` call as `COMMAND -s SUBJECT ADDRESS` (`-m`).
    public var mailCommand = "/usr/bin/mail"
    public var jobs: Int = GzipCompressor.processorCount
    public var asRoot = ProcessIdentity.isRoot
    /// The run's clock; nil for the real one.
    public var now: Int64? = nil
    public var timeZone: any TimeZoneRule = LocalTimeZone()
    /// logrotate still scheduled on the host (`LogrotateHost.beside()`): the run warns once when it
    /// rotates a log logrotate's configuration names too. Nil: no such check.
    public var besideLogrotate: BesideLogrotate? = nil
    /// The state file's lock shared with the other runs of this process under way at once (`watch`):
    /// taken through it rather than alone. Nil: the run takes and releases its own.
    public var stateLockLease: StateLockLease? = nil
    /// The sets to rotate (indices in the configuration run); the others are planned only, for their
    /// claims (a log two sets name is the first one's). Nil: all. `watch` runs a due set with the
    /// earlier sets of its directories this way.
    public var onlySets: Set<Int>? = nil
    public init() {}

    /// How long the state lock is waited for: nil for as long as it takes.
    public var stateLockTimeout: Double? { stateLocking == .unbounded ? nil : wait }

    /// How the run-wide lock on the state file (`StateFileLock`) is waited for; nil when not taken.
    public var stateFileWaiting: StateFileLock.Waiting? {
        switch stateLocking {
        case .bounded: .seconds(wait)
        case .once: .once
        case .unbounded: .forever
        case .skip: nil
        }
    }

    /// logrotate's `--wait-for-state-lock` and `--skip-state-lock`, and rotatectl's own bounded wait.
    public enum StateLocking: Sendable, Equatable {
        /// Up to `wait` seconds, then the run does nothing and exits 3 (rotatectl's default).
        case bounded
        /// One try, then the run does nothing and exits 3 (logrotate's default).
        case once
        /// For as long as it takes (`--wait-for-state-lock`).
        case unbounded
        /// Not taken (`--skip-state-lock`): the caller vouches that no other run uses the state file.
        case skip
    }
}
