/// The line of `WatcherFile`: who watches, since when, and when it last ran a set.
public struct WatcherInfo: Sendable, Equatable {
    public var pid: Int32
    public var started: Int64
    public var acted: Int64?

    public init(pid: Int32, started: Int64, acted: Int64?) { self.pid = pid; self.started = started; self.acted = acted }

    public init?(parsing text: String) {
        var fields: [String: Int64] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let pair = word.split(separator: "=", maxSplits: 1)
            if pair.count == 2, let value = Int64(pair[1]) { fields[String(pair[0])] = value }
        }
        guard let pid = fields["pid"].flatMap({ Int32(exactly: $0) }), let started = fields["started"] else { return nil }
        self.init(pid: pid, started: started, acted: fields["acted"])
    }

    public var json: JSONValue {
        .object([("pid", .int(Int64(pid))), ("started", .int(started)), ("acted", acted.map { .int($0) } ?? .null)])
    }

    var line: String { "pid=\(pid) started=\(started)" + (acted.map { " acted=\($0)" } ?? "") + "\n" }
}
