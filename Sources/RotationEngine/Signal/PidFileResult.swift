/// What a pid file says, judged against the running processes.
public enum PidFileResult: Sendable, Equatable, CustomStringConvertible {
    /// A running process that started before the pid file was written.
    case live(Int32)
    case missing
    /// The file exists but holds nothing but white space.
    case empty
    /// The first line is not a pid above 1 (0, 1 and negative numbers are refused: `kill` would reach init
    /// or whole process groups).
    case garbled(String)
    /// The pid names no process, a zombie, or a process that started after the pid file was written (the
    /// pid was reused).
    case stale(Int32, reason: String)
    /// Read as root, the pid file could have been written by someone other than root or the process's
    /// owner (another owner, or group/world-writable): signalling would let them aim root's signal.
    case untrusted(Int32, reason: String)
    /// The file could not be read (permissions, not a regular file...).
    case unreadable(String)

    public var livePid: Int32? {
        if case .live(let pid) = self { return pid }
        return nil
    }

    public var description: String {
        switch self {
        case .live(let pid): "live pid \(pid)"
        case .missing: "missing"
        case .empty: "empty"
        case .garbled(let text): "garbled (\"\(text)\")"
        case .stale(let pid, let reason): "stale pid \(pid): \(reason)"
        case .untrusted(let pid, let reason): "untrusted for pid \(pid): \(reason)"
        case .unreadable(let reason): "unreadable: \(reason)"
        }
    }
}
