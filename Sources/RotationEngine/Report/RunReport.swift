/// The outcome of one run: every event in order and the exit status.
public struct RunReport: Sendable {
    public var events: [RunEvent] = []
    public var exitStatus: ExitStatus = .success
    public var startedAt: Int64 = 0
    public var seconds: Double = 0
    public var dryRun = false
    public init() {}

    /// The `run --json` document (schema in rotatectl(8), version 1).
    public var json: JSONValue {
        func count(_ k: RunEvent.Kind) -> Int64 { Int64(events.filter { $0.kind == k }.count) }
        return .object([
            ("rotatectl", .string(RotatectlVersion.current)),
            ("schema", .int(1)),
            ("started_at", .int(startedAt)),
            ("seconds", .double(seconds)),
            ("dry_run", .bool(dryRun)),
            ("exit_status", .int(Int64(exitStatus.rawValue))),
            ("summary", .object([
                ("actions", .int(count(.action))),
                ("warnings", .int(count(.warning))),
                ("errors", .int(count(.error))),
                ("recoveries", .int(count(.recovery))),
            ])),
            ("events", .array(events.map(\.json))),
        ])
    }
}

public enum RotatectlVersion {
    public static let current = "0.1.0"
}
