/// Something a run did or found, printed as one line and kept for the JSON report.
public struct RunEvent: Sendable {
    public enum Kind: String, Sendable {
        case action, decision, script, warning, error, recovery, lock
    }
    public var kind: Kind
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

    public init(_ kind: Kind, set: String = "", _ message: String, action: String? = nil, path: String? = nil,
                target: String? = nil, bytesBefore: Int64? = nil, bytesAfter: Int64? = nil,
                seconds: Double? = nil, location: String? = nil) {
        // Names are shown to a person: a byte that is not UTF-8 as `\xNN` (FileNameEncoding.display).
        self.kind = kind; self.set = FileNameEncoding.display(set); self.message = FileNameEncoding.display(message)
        self.action = action; self.path = path.map(FileNameEncoding.display)
        self.target = target.map(FileNameEncoding.display); self.bytesBefore = bytesBefore; self.bytesAfter = bytesAfter
        self.seconds = seconds; self.location = location
    }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("kind", .string(kind.rawValue))]
        if !set.isEmpty { pairs.append(("set", .string(set))) }
        if let action { pairs.append(("action", .string(action))) }
        if let path { pairs.append(("path", .string(path))) }
        if let target { pairs.append(("target", .string(target))) }
        if let bytesBefore { pairs.append(("bytes_before", .int(bytesBefore))) }
        if let bytesAfter { pairs.append(("bytes_after", .int(bytesAfter))) }
        if let seconds { pairs.append(("seconds", .double(seconds))) }
        if let location { pairs.append(("location", .string(location))) }
        pairs.append(("message", .string(message)))
        return .object(pairs)
    }
}
