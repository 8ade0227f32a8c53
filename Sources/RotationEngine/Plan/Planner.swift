/// The pure planner: (configuration, snapshot, state, clock) → a plan per log set.
/// It follows logrotate 3.21's decisions and names; deliberate differences are in rotatectl.conf(5).
public struct Planner: Sendable {
    public let input: PlannerInput
    /// `input.now` in local time, converted once rather than once per log.
    let nowCivil: CivilTime
    /// The start of the current hour, what a log without a state entry counts as last rotated, and its
    /// epoch: one `mktime` for the run rather than one per log (glibc's re-reads the zone file each call).
    let nowHour: CivilTime
    let nowHourEpoch: Int64
    public init(_ input: PlannerInput) {
        self.input = input
        let now = input.timeZone.civil(input.now)
        self.nowCivil = now
        self.nowHour = CivilTime(year: now.year, month: now.month, day: now.day, hour: now.hour)
        self.nowHourEpoch = input.timeZone.epoch(nowHour)
    }

    public func plan() -> [SetPlan] {
        var claimed = Claims()
        var plans: [SetPlan] = []
        for (index, config) in input.logSets.enumerated() {
            plans.append(planSet(index: index, config, claimed: &claimed))
        }
        return plans
    }

    /// The logs a set names, in config order, each pattern's matches sorted (glob(3)'s order), and the
    /// patterns that matched nothing.
    public func files(of config: LogSetConfig) -> (paths: [String], unmatched: [String]) {
        let found = matches(of: config)
        return (found.groups.flatMap(\.paths), found.unmatched)
    }

    /// The set's matches by directory (each log once, in config order), the patterns that matched
    /// nothing, and the logs named again by a later pattern of the same set.
    func matches(of config: LogSetConfig) -> (groups: [GlobMatch], unmatched: [String], repeated: [String]) {
        var groups: [GlobMatch] = []
        var unmatched: [String] = []
        var repeated: [String] = []
        // Only a set of several patterns can name a log twice; one pattern's matches are unique.
        let several = config.patterns.count > 1
        var seen = Claims()
        for pattern in config.patterns {
            let matched = Glob.expandByDirectory(pattern) { input.snapshot.directories[$0] }
            // rotatectl's own files in a log directory are never logs. Only a pattern whose last part
            // starts with a period can name them (globs match a leading period only literally).
            let last = pattern.split(separator: "/").last ?? ""
            let mayNameOwnFiles = last.hasPrefix(".") || last.hasPrefix("\\")
            // A directory among the matches is skipped silently, as logrotate does; only a pattern
            // that matches nothing at all is missing.
            if matched.isEmpty { unmatched.append(pattern) }
            for var group in matched {
                let g = group
                if (0..<g.count).contains(where: { g.status($0)?.kind == .directory }) {
                    group.filter { g.status($0)?.kind != .directory }
                }
                if mayNameOwnFiles {
                    let g = group
                    group.filter { !OwnFiles.contains(g.name($0)) }
                }
                if several {
                    let g = group
                    group.filter { k in
                        if seen.flag(g.directory, g.indices[k]) == nil {
                            seen.claim(g.directory, g.indices[k], count: g.listing.count, flag: false)
                            return true
                        }
                        repeated.append(g.path(g.name(k)))
                        return false
                    }
                }
                if group.count > 0 { groups.append(group) }
            }
        }
        return (groups, unmatched, repeated)
    }

    /// `claimed`: every log an earlier set named, with whether that set has `ignoreduplicates`. As in
    /// logrotate, the flag of the set that named the log first decides whether a later one may name it.
    func planSet(index: Int, _ c: LogSetConfig, claimed: inout Claims) -> SetPlan {
        let name = c.patterns.joined(separator: " ")
        var plan = SetPlan(index: index, name: name, location: c.location.description)
        let (groups, unmatched, repeated) = matches(of: c)
        if !c.missingOK {
            for pattern in unmatched {
                plan.decisions.append(LogDecision(path: pattern, rotate: false, reason: "missing",
                                                  error: "\(pattern): no such file or directory (add missingok to allow this)"))
            }
        }
        var due: [(String, FileStatus)] = []
        /// Logs not due, whose rotated files `maxtotalsize` may still trim (`trim`).
        var idle: [String] = []
        var directories = Set<String>()
        for group in groups {
            for k in 0..<group.count {
                let path = group.path(group.name(k))
                if let ignored = claimed.flag(group.directory, group.indices[k]) {
                    if !ignored {
                        plan.decisions.append(LogDecision(path: path, rotate: false, reason: "duplicate", isDuplicate: true,
                            error: "\(path): already named by an earlier log set (add ignoreduplicates to that set to allow this)"))
                    }
                    continue
                }
                let decision = decide(path, in: group.directory, status: group.status(k), c)
                if decision.0.rotate, let st = decision.1 {
                    due.append((path, st))
                } else if decision.0.error == nil, decision.1 != nil {
                    if input.state[path] == nil { plan.newStateLogs[path] = 0 }
                    if c.maxTotalSize != nil { idle.append(path) }
                }
                if input.keepIdleDecisions || decision.0.rotate || decision.0.error != nil {
                    plan.decisions.append(decision.0)
                }
            }
        }
        if index < input.logSets.count - 1 {
            for group in groups { claimed.claim(group, flag: c.ignoreDuplicates) }
        }
        if !c.ignoreDuplicates {
            // As logrotate: a log named twice by one set is a duplicate too (it is rotated once). Listed
            // after the log's own decision, which stays the first one for its path.
            for path in repeated {
                plan.decisions.append(LogDecision(path: path, rotate: false, reason: "duplicate", isDuplicate: true,
                    error: "\(path): named twice by this log set (add ignoreduplicates to allow this)"))
            }
        }
        let argument = c.patternText.isEmpty ? name : c.patternText
        if !due.isEmpty {
            if let s = c.firstAction { plan.firstAction = script(.firstaction, s, [argument], c) }
            if let s = c.lastAction { plan.lastAction = script(.lastaction, s, [argument], c) }
            if let s = c.preRemove { plan.preRemove = script(.preremove, s, [], c) }
        }
        var rotations: [LogRotation] = []
        for (path, st) in due {
            switch rotation(path, st, c) {
            case .success(let r):
                rotations.append(r)
                plan.rotatedPaths.append(path)
                if !r.warnings.isEmpty, let i = plan.decisions.firstIndex(where: { $0.path == path }) {
                    plan.decisions[i].warnings = r.warnings
                }
                directories.insert(PathName.split(path).0)
                directories.insert(PathName.split(r.rotatedPath).0)
            case .failure(let message):
                if let i = plan.decisions.firstIndex(where: { $0.path == path }) {
                    plan.decisions[i].rotate = false
                    plan.decisions[i].error = message.message
                }
            }
        }
        if c.sharedScripts && !rotations.isEmpty
            && plan.decisions.contains(where: { $0.error != nil && !$0.isDuplicate }) {
            // As logrotate: a sharedscripts set is rotated as a whole or not at all. A duplicate is
            // a configuration error there, reported without holding the set back.
            for r in rotations {
                if let i = plan.decisions.firstIndex(where: { $0.path == r.path }) {
                    plan.decisions[i].rotate = false
                    plan.decisions[i].reason = "not rotated: another log of this sharedscripts set has an error"
                }
            }
            rotations = []
            plan.rotatedPaths = []
        }
        if c.sharedScripts {
            if !rotations.isEmpty {
                plan.units = [RotationUnit(
                    preRotate: c.preRotate.map { script(.prerotate, $0, [argument], c) },
                    logs: rotations,
                    postRotate: c.postRotate.map { script(.postrotate, $0, [argument], c) })]
            }
        } else {
            plan.units = rotations.map { r in
                RotationUnit(preRotate: c.preRotate.map { script(.prerotate, $0, [r.path], c) },
                             logs: [r],
                             postRotate: c.postRotate.map { script(.postrotate, $0, [r.path, r.rotatedPath], c) })
            }
        }
        if !c.pidFiles.isEmpty && !rotations.isEmpty {
            plan.notify = .notify(pidFiles: c.pidFiles, signal: c.signal)
        }
        for path in idle {
            guard let t = trim(path, c) else { continue }
            plan.units.append(RotationUnit(logs: [t]))
            directories.insert(PathName.split(path).0)
            directories.insert(generationBase(of: path, c).directory)
            if let i = plan.decisions.firstIndex(where: { $0.path == path }) {
                plan.decisions[i].reason += "; its rotated files take more than maxtotalsize: the oldest are removed"
            }
        }
        plan.directories = directories.sorted()
        return plan
    }

    func script(_ kind: ScriptKind, _ s: Script, _ args: [String], _ c: LogSetConfig) -> ScriptRun {
        ScriptRun(kind: kind, text: s.text, arguments: args, timeout: c.scriptTimeout)
    }

    // MARK: - Whether a log is due

    /// The decision for one log, and its status when it exists.
    public func decide(_ path: String, _ c: LogSetConfig) -> (LogDecision, FileStatus?) {
        let dir = PathName.split(path).0
        return decide(path, in: dir, status: input.snapshot.status(path), c)
    }

    /// `decide(_:_:)` for a log whose directory and `lstat` (nil: missing) are already known.
    func decide(_ path: String, in dir: String, status: FileStatus?, _ c: LogSetConfig) -> (LogDecision, FileStatus?) {
        if input.asRoot && c.su == nil, let ds = input.snapshot.directoryStatuses[dir] {
            if (ds.gid != 0 && ds.mode & 0o020 != 0) || ds.mode & 0o002 != 0 {
                return (LogDecision(path: path, rotate: false, reason: "unsafe directory",
                    error: "\(path): skipped: parent directory \(dir) is writable by group or others; set su USER GROUP for it"), nil)
            }
        }
        guard let st = status else {
            if c.missingOK { return (LogDecision(path: path, rotate: false, reason: "missing (missingok)"), nil) }
            let why = input.snapshot.unreadable[dir] ?? "no such file or directory"
            return (LogDecision(path: path, rotate: false, reason: "missing", error: "\(path): \(why)"), nil)
        }
        if st.kind == .symlink {
            return (LogDecision(path: path, rotate: false, reason: "symbolic link: skipped, never followed"), nil)
        }
        if st.kind != .regular {
            return (LogDecision(path: path, rotate: false, reason: "not a regular file: skipped"), nil)
        }
        if st.linkCount > 1 && !c.allowHardlink {
            return (LogDecision(path: path, rotate: false,
                                reason: "\(st.linkCount) hard links: skipped (allowhardlink not set)"), nil)
        }
        let (rotate, reason) = trigger(path, st, c)
        return (LogDecision(path: path, rotate: rotate, reason: reason), st)
    }

    /// Which trigger fires, in logrotate's order: force, maxsize, size, future state, time; then
    /// minsize, minage and notifempty veto.
    func trigger(_ path: String, _ st: FileStatus, _ c: LogSetConfig) -> (Bool, String) {
        let tz = input.timeZone
        let now = nowCivil
        let recorded = input.state[path]
        let last = recorded.map { tz.civil($0) } ?? nowHour
        let lastEpoch = recorded ?? nowHourEpoch
        var rotate = false
        var reason = ""
        var vetoable = false
        if input.force {
            rotate = true; reason = "forced (--force)"
        } else if let max = c.maxSize, st.size > max {
            rotate = true; reason = "\(Bytes(st.size)) > maxsize \(Bytes(max))"
        } else if case .size(let threshold) = c.criterion {
            rotate = st.size >= threshold
            reason = rotate ? "\(Bytes(st.size)) ≥ size \(Bytes(threshold))" : "\(Bytes(st.size)) < size \(Bytes(threshold))"
        } else if lastEpoch - input.now > 25 * 3600 {
            rotate = true; reason = "last rotated in the future: rotation forced"
        } else if (last.year, last.month, last.day, last.hour) != (now.year, now.month, now.day, now.hour),
                  case .every(let f) = c.criterion {
            vetoable = true
            let days = now.dayNumber - last.dayNumber
            switch f {
            case .hourly:
                rotate = (last.year, last.month, last.day, last.hour) != (now.year, now.month, now.day, now.hour)
                reason = rotate ? "hourly: last rotated in an earlier hour" : "hourly: already rotated this hour"
            case .daily:
                rotate = (last.year, last.month, last.day) != (now.year, now.month, now.day)
                reason = rotate ? "daily: last rotated on an earlier day" : "daily: already rotated today"
            case .weekly(let weekday):
                rotate = days >= 7 || (days >= 1 && now.weekday == weekday)
                reason = rotate ? "weekly: \(days) days since last rotation" : "weekly: rotated \(days) days ago"
            case .monthly:
                rotate = (last.year, last.month) != (now.year, now.month)
                reason = rotate ? "monthly: last rotated in an earlier month" : "monthly: already rotated this month"
            case .yearly:
                rotate = last.year != now.year
                reason = rotate ? "yearly: last rotated in an earlier year" : "yearly: already rotated this year"
            }
        } else if recorded == nil {
            reason = "first seen: recorded as rotated now, as logrotate does; due at the next period"
        } else {
            reason = "already rotated this hour"
        }
        if vetoable && rotate {
            if let min = c.minSize, st.size < min {
                rotate = false; reason = "\(Bytes(st.size)) < minsize \(Bytes(min))"
            } else if let minAge = c.minAge, minAge > 0, Int64(minAge) * 86400 >= input.now - st.modified.seconds {
                rotate = false; reason = "modified less than minage \(minAge) days ago"
            }
        }
        if rotate && !c.ifEmpty && st.size == 0 {
            rotate = false; reason = "empty (notifempty)"
        }
        return (rotate, reason)
    }
}
