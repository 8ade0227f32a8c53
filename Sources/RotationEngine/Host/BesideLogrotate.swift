/// logrotate still scheduled on the host, and the logs its configuration names: a log both tools
/// rotate, each with its own state and neither respecting the other's locks, is rotated twice.
public struct BesideLogrotate: Sendable {
    public var schedulers: [LogrotateScheduler]
    public var names: LogPatterns

    public init(schedulers: [LogrotateScheduler], names: LogPatterns) { self.schedulers = schedulers; self.names = names }

    /// Whether logrotate would rotate `path` too.
    public func alsoRotates(_ path: String) -> Bool { names.names(path) }

    /// The one warning for the logs of `paths` logrotate rotates too, or nil when it rotates none.
    public func warning(_ paths: [String]) -> RunEvent? {
        let shared = paths.filter(alsoRotates)
        guard let first = shared.first else { return nil }
        let more = shared.count > 1 ? " and \(shared.count - 1) other log\(shared.count == 2 ? "" : "s")" : ""
        let what = schedulers.map(\.described.what).joined(separator: " and ")
        let disable = schedulers.map(\.described.disable).joined(separator: "; ")
        return RunEvent(.warning, .logrotateScheduled, """
            logrotate is still scheduled (\(what)) and \(LogrotateHost.configuration) names \(first)\(more): both \
            tools rotate \(shared.count == 1 ? "it" : "them"), each on its own schedule. Stop logrotate's: \(disable) (MIGRATING.md, "Switch over")
            """, path: first)
    }
}
