import Testing
@testable import RotationEngine

/// A pure world for the planner: a hand-built snapshot, a state, a UTC clock.
struct PlannerWorld {
    static let utc = FixedOffsetTime()
    var snapshot = Snapshot()
    var state: [String: Int64] = [:]
    var now: Int64
    var force = false
    var asRoot = false
    var timeZone: any TimeZoneRule = PlannerWorld.utc
    private var nextInode: UInt64 = 100

    init(now: Int64 = PlannerWorld.at(2026, 12, 1, 10)) {
        self.now = now
        snapshot.directories["/var/log"] = [:]
    }

    /// Epoch seconds of a UTC civil time.
    static func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Int = 0) -> Int64 {
        utc.epoch(CivilTime(year: y, month: m, day: d, hour: h, minute: min, second: s))
    }

    /// Adds a regular file; `age` is seconds before `now` for its mtime. Returns its inode.
    @discardableResult
    mutating func file(_ path: String, size: Int64 = 100, mode: UInt32 = 0o644, age: Int64 = 0,
                       kind: FileStatus.Kind = .regular, links: UInt64 = 1, uid: UInt32 = 0, gid: UInt32 = 0) -> UInt64 {
        nextInode += 1
        snapshot.add(path, FileStatus(kind: kind, size: size, mode: mode, uid: uid, gid: gid, linkCount: links,
                                      inode: nextInode, modified: Timestamp(seconds: now - age)))
        return nextInode
    }

    mutating func directory(_ path: String, mode: UInt32 = 0o755, gid: UInt32 = 0) {
        if snapshot.directories[path] == nil { snapshot.directories[path] = [:] }
        snapshot.directoryStatuses[path] = FileStatus(kind: .directory, mode: mode, gid: gid)
    }

    func plans(_ sets: [LogSetConfig]) -> [SetPlan] {
        Planner(PlannerInput(logSets: sets, snapshot: snapshot, state: state, now: now, timeZone: timeZone,
                             force: force, asRoot: asRoot)).plan()
    }

    func plan(_ c: LogSetConfig) -> SetPlan { plans([c])[0] }

    /// Whether `path` is due under `c`.
    func due(_ c: LogSetConfig, _ path: String = "/var/log/app.log") -> Bool {
        plan(c).decisions.first { $0.path == path }?.rotate ?? false
    }
}

/// A log set for `/var/log/app.log` (or `patterns`), edited by `edit`.
func logSet(_ patterns: [String] = ["/var/log/app.log"], _ edit: (inout LogSetConfig) -> Void = { _ in }) -> LogSetConfig {
    var c = LogSetConfig()
    c.patterns = patterns
    c.create = nil
    c.location = SourceLocation(file: "/etc/rotatectl.conf", line: 1)
    edit(&c)
    return c
}

extension SetPlan {
    /// The one rotation of the plan's first unit.
    var rotation: LogRotation? { units.first?.logs.first }
    var renames: [String] {
        steps.compactMap { if case .rename(let f, let t, _) = $0 { return "\(f) -> \(t)" } else { return nil } }
    }
    var removed: [String] {
        steps.compactMap { if case .remove(let p, _, _) = $0 { return p } else { return nil } }
    }
    var compressed: [String] {
        steps.compactMap { if case .compress(let s, let d) = $0 { return "\(s) -> \(d)" } else { return nil } }
    }
    var mailed: [String] {
        steps.compactMap { if case .mail(let p, _, _, _, _) = $0 { return p } else { return nil } }
    }
    var errors: [String] { decisions.compactMap(\.error) }
}
