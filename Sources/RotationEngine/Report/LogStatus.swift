/// What `rotatectl status` shows for one log.
public struct LogStatus: Sendable {
    public var set: String
    public var path: String
    public var exists: Bool
    public var size: Int64
    public var lastRotated: Int64?
    public var due: Bool
    public var reason: String
    /// The next time a time-based trigger fires, if the set has one.
    public var nextDue: Int64?
    public var generations: [String]
    public var generationBytes: Int64
    public var cap: Int64?
    public var journalPending: Bool
    /// The pid written by the holder of the directory lock, when it is held.
    public var lockHolder: Int32?
    public var lockHeld: Bool
    public var error: String?
    /// logrotate is still scheduled and its configuration names this log too (`BesideLogrotate`).
    public var alsoLogrotate = false

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("set", .string(set)), ("path", .string(path)), ("exists", .bool(exists)), ("size", .int(size)),
            ("last_rotated", lastRotated.map { .int($0) } ?? .null), ("due", .bool(due)), ("reason", .string(reason)),
            ("next_due", nextDue.map { .int($0) } ?? .null),
            ("generations", .array(generations.map { .string($0) })), ("generation_bytes", .int(generationBytes)),
            ("max_total_size", cap.map { .int($0) } ?? .null), ("journal_pending", .bool(journalPending)),
            ("lock_held", .bool(lockHeld)), ("lock_holder", lockHolder.map { .int(Int64($0)) } ?? .null),
        ]
        if let error { pairs.append(("error", .string(error))) }
        if alsoLogrotate { pairs.append(("also_logrotate", .bool(true))) }
        return .object(pairs)
    }
}

/// Every log of a configuration, for `rotatectl status`.
public struct StatusReport: Sendable {
    public var logs: [LogStatus] = []
    /// What the snapshot and the state file reported (unreadable directories, damaged state lines).
    public var warnings: [String] = []
    public var timeZone: any TimeZoneRule = LocalTimeZone()
    /// The `rotatectl watch` running on the same state file, if any.
    public var watcher: WatcherInfo?

    public var json: JSONValue {
        .object([("schema", .int(1)), ("logs", .array(logs.map(\.json))), ("warnings", .array(warnings.map { .string($0) })),
                 ("watcher", watcher?.json ?? .null)])
    }

    /// `json.serialized(indent: 2)` written piece by piece: the head, then `writeJSON(log:)` for each
    /// log as it comes, then `writeJSONTail`. The same bytes, without the document in memory.
    public static func writeJSONHead(_ write: (String) -> Void) { write("{\n  \"schema\": 1,\n  \"logs\": [") }

    /// One log of the streamed document; `first` for the first log.
    public static func writeJSON(log: LogStatus, first: Bool, _ write: (String) -> Void) {
        write((first ? "" : ",") + "\n    " + log.json.serialized(indent: 2, level: 2))
    }

    /// The end of the streamed document; `empty` when no log was written.
    public func writeJSONTail(empty: Bool, _ write: (String) -> Void) {
        write(empty ? "]," : "\n  ],")
        write("\n  \"warnings\": " + JSONValue.array(warnings.map { .string($0) }).serialized(indent: 2, level: 1) + ",")
        write("\n  \"watcher\": " + (watcher?.json ?? .null).serialized(indent: 2, level: 1) + "\n}\n")
    }

    /// A fixed-width table, one log a line.
    public func table() -> String {
        var layout = StatusTable(timeZone: timeZone)
        for l in logs { layout.append(l) }
        var out = ""
        layout.write { out += $0 }
        return out
    }
}

/// The table of `rotatectl status`: columns as wide as their widest cell. `append` every log as it is
/// collected (only its cells are kept), then `write` the table.
public struct StatusTable: Sendable {
    static let titles = ["LOG", "SIZE", "LAST ROTATED", "DUE", "NEXT DUE", "KEPT", "NOTE"]
    var widths = StatusTable.titles.map(\.count)
    var rows: [[String]] = []
    let timeZone: any TimeZoneRule

    public init(timeZone: any TimeZoneRule = LocalTimeZone()) { self.timeZone = timeZone }

    func date(_ t: Int64?) -> String {
        guard let t else { return "-" }
        let c = timeZone.civil(t)
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year)-\(p(c.month))-\(p(c.day)) \(p(c.hour)):\(p(c.minute))"
    }

    /// The line under the table when `rotatectl watch` runs on the same state file; "" when none does.
    public func watcherLine(_ watcher: WatcherInfo?) -> String {
        guard let w = watcher else { return "" }
        return "\nwatcher: pid \(w.pid), running since \(date(w.started)), last acted \(w.acted.map { date($0) } ?? "never")\n"
    }

    func cells(_ l: LogStatus) -> [String] {
        var note = FileNameEncoding.display(l.error ?? l.reason)
        if l.journalPending { note += "; unfinished journal (next run completes it)" }
        if l.alsoLogrotate { note += "; logrotate rotates it too" }
        if l.lockHeld { note += "; directory locked" + (l.lockHolder.map { " by pid \($0)" } ?? "") }
        let kept = "\(l.generations.count) / \(Bytes(l.generationBytes))" + (l.cap.map { " (cap \(Bytes($0)))" } ?? "")
        return [FileNameEncoding.display(l.path), l.exists ? Bytes(l.size).description : "missing", date(l.lastRotated),
                l.due ? "yes" : "no", date(l.nextDue), kept, note]
    }

    /// Measures a log's cells and keeps them for `write`.
    public mutating func append(_ l: LogStatus) {
        let row = cells(l)
        for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) }
        rows.append(row)
    }

    func line(_ r: [String]) -> String {
        r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[i] - c.count)) }
            .joined(separator: "  ") + "\n"
    }

    /// The header, then a line for each log appended, in order.
    public func write(_ out: (String) -> Void) {
        out(line(Self.titles))
        for row in rows { out(line(row)) }
    }
}
