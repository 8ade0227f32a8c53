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
        return .object(pairs)
    }
}

/// Every log of a configuration, for `rotatectl status`.
public struct StatusReport: Sendable {
    public var logs: [LogStatus] = []
    /// What the snapshot and the state file reported (names skipped, damaged state lines).
    public var warnings: [String] = []
    public var timeZone: any TimeZoneRule = LocalTimeZone()

    public var json: JSONValue {
        .object([("schema", .int(1)), ("logs", .array(logs.map(\.json))), ("warnings", .array(warnings.map { .string($0) }))])
    }

    /// A fixed-width table, one log a line.
    public func table() -> String {
        func date(_ t: Int64?) -> String {
            guard let t else { return "-" }
            let c = timeZone.civil(t)
            func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            return "\(c.year)-\(p(c.month))-\(p(c.day)) \(p(c.hour)):\(p(c.minute))"
        }
        var rows = [["LOG", "SIZE", "LAST ROTATED", "DUE", "NEXT DUE", "KEPT", "NOTE"]]
        for l in logs {
            var note = l.error ?? l.reason
            if l.journalPending { note += "; unfinished journal (next run completes it)" }
            if l.lockHeld { note += "; directory locked" + (l.lockHolder.map { " by pid \($0)" } ?? "") }
            let kept = "\(l.generations.count) / \(Bytes(l.generationBytes))" + (l.cap.map { " (cap \(Bytes($0)))" } ?? "")
            rows.append([l.path, l.exists ? Bytes(l.size).description : "missing", date(l.lastRotated),
                         l.due ? "yes" : "no", date(l.nextDue), kept, note])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
