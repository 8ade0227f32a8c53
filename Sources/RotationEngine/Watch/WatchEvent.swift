/// Something the watcher itself did or found (the runs it starts report `RunEvent`s): printed as a line,
/// or with `watch --json` as one JSON object per line, `"kind": "watch"`.
public struct WatchEvent: Sendable {
    public enum Kind: String, Sendable {
        /// Watching (the sets and directories are in the message); `READY=1` was sent.
        case started
        /// SIGHUP: the new configuration is in use.
        case reloaded
        /// A run of the sets that were due ended.
        case acted
        /// SIGTERM or SIGINT: the watcher is exiting.
        case stopping
        case warning
        case error
    }
    public var kind: Kind
    public var code: EventCode?
    public var message: String
    /// The sets concerned (their patterns), for `acted`.
    public var sets: [String] = []
    /// The exit status of the run, for `acted`.
    public var exitStatus: ExitStatus?
    public var seconds: Double?

    public init(_ kind: Kind, _ code: EventCode? = nil, _ message: String, sets: [String] = [],
                exitStatus: ExitStatus? = nil, seconds: Double? = nil) {
        self.kind = kind; self.code = code; self.message = FileNameEncoding.display(message)
        self.sets = sets.map(FileNameEncoding.display); self.exitStatus = exitStatus; self.seconds = seconds
    }

    public var isProblem: Bool { kind == .warning || kind == .error }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("kind", .string("watch")), ("event", .string(kind.rawValue))]
        if let code { pairs.append(("code", .string(code.rawValue))) }
        if !sets.isEmpty { pairs.append(("sets", .array(sets.map { .string($0) }))) }
        if let exitStatus { pairs.append(("exit_status", .int(Int64(exitStatus.rawValue)))) }
        if let seconds { pairs.append(("seconds", .double(seconds))) }
        pairs.append(("message", .string(message)))
        return .object(pairs)
    }
}
