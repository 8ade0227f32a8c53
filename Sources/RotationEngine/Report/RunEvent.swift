import SystemPackage

/// Something a run did or found, printed as one line and kept for the JSON report. An error or a
/// warning carries a `code` (what it is about), and, when a system call failed, the call and its errno.
public struct RunEvent: Sendable {
    public enum Kind: String, Sendable {
        case action, decision, script, warning, error, recovery, lock
    }
    public var kind: Kind
    /// What an error, a warning or a busy lock is about.
    public var code: EventCode?
    /// The log set (its patterns) or "" for the run as a whole.
    public var set: String
    public var message: String
    /// For actions: rename, create, copy, copytruncate, compress, remove, mkdir, signal, wait, cap.
    public var action: String?
    public var path: String?
    public var target: String?
    public var bytesBefore: Int64?
    public var bytesAfter: Int64?
    public var seconds: Double?
    /// For configuration diagnostics: `FILE:LINE`.
    public var location: String?
    /// The system call that failed, and its errno.
    public var call: String?
    public var errno: Errno?

    public init(_ kind: Kind, _ code: EventCode? = nil, set: String = "", _ message: String, action: String? = nil,
                path: String? = nil, target: String? = nil, bytesBefore: Int64? = nil, bytesAfter: Int64? = nil,
                seconds: Double? = nil, location: String? = nil, system: SystemError? = nil) {
        // Names are shown to a person: a byte that is not UTF-8 as `\xNN` (FileNameEncoding.display).
        self.kind = kind; self.code = code; self.set = FileNameEncoding.display(set); self.message = FileNameEncoding.display(message)
        self.action = action; self.path = path.map(FileNameEncoding.display)
        self.target = target.map(FileNameEncoding.display); self.bytesBefore = bytesBefore; self.bytesAfter = bytesAfter
        self.seconds = seconds; self.location = location
        self.call = system?.call; self.errno = system?.errno
    }

    /// An error or warning from `error`: its code, message, path and failed call.
    public init(_ kind: Kind, set: String = "", _ error: RotationError, action: String? = nil) {
        self.init(kind, error.code, set: set, error.description, action: action, path: error.path, system: error.system)
    }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("kind", .string(kind.rawValue))]
        if let code { pairs.append(("code", .string(code.rawValue))) }
        if !set.isEmpty { pairs.append(("set", .string(set))) }
        if let action { pairs.append(("action", .string(action))) }
        if let path { pairs.append(("path", .string(path))) }
        if let target { pairs.append(("target", .string(target))) }
        if let bytesBefore { pairs.append(("bytes_before", .int(bytesBefore))) }
        if let bytesAfter { pairs.append(("bytes_after", .int(bytesAfter))) }
        if let seconds { pairs.append(("seconds", .double(seconds))) }
        if let location { pairs.append(("location", .string(location))) }
        if let call { pairs.append(("call", .string(call))) }
        if let errno { pairs.append(("errno", .int(Int64(errno.rawValue)))) }
        pairs.append(("message", .string(message)))
        return .object(pairs)
    }
}
