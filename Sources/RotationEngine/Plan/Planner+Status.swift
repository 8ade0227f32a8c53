extension Planner {
    /// The next time a time-based trigger fires after `last` (logrotate's calendar rules), or nil for
    /// size-only sets.
    public func nextDue(_ c: LogSetConfig, last: Int64) -> Int64? {
        guard case .every(let f) = c.criterion else { return nil }
        let tz = input.timeZone
        let l = tz.civil(last)
        switch f {
        case .hourly:
            return tz.epoch(CivilTime(year: l.year, month: l.month, day: l.day, hour: l.hour)) + 3600
        case .daily:
            let d = CivilTime.date(dayNumber: l.dayNumber + 1)
            return tz.epoch(CivilTime(year: d.year, month: d.month, day: d.day))
        case .weekly(let weekday):
            var n = l.dayNumber + 1
            while n - l.dayNumber < 7 && (weekday == 7 || CivilTime.weekday(n) != weekday) { n += 1 }
            let d = CivilTime.date(dayNumber: n)
            return tz.epoch(CivilTime(year: d.year, month: d.month, day: d.day))
        case .monthly:
            return tz.epoch(CivilTime(year: l.month == 12 ? l.year + 1 : l.year, month: l.month == 12 ? 1 : l.month + 1, day: 1))
        case .yearly:
            return tz.epoch(CivilTime(year: l.year + 1, month: 1, day: 1))
        }
    }

    /// When the time trigger of a log last rotated at `last` fires next: `nextDue`, or for a weekly log
    /// whose chosen weekday passed without a rotation (nothing ran that day), the next day that is that
    /// weekday or 7 days after `last`, as the weekly rule in `trigger` says. For the other periods a
    /// `nextDue` in the past means the period has ended: the log is due now, or a veto keeps it, and only
    /// a write can change that. What `status` shows under NEXT DUE and when `watch` looks again.
    public func nextTrigger(_ c: LogSetConfig, last: Int64) -> Int64? {
        let now = input.now
        guard let next = nextDue(c, last: last) else { return nil }
        guard next <= now, case .every(.weekly(let weekday)) = c.criterion else { return next }
        let tz = input.timeZone
        let lastDay = tz.civil(last).dayNumber
        var n = max(tz.civil(now).dayNumber + 1, lastDay + 1)
        while n - lastDay < 7 && CivilTime.weekday(n) != weekday { n += 1 }
        let d = CivilTime.date(dayNumber: n)
        return tz.epoch(CivilTime(year: d.year, month: d.month, day: d.day))
    }

    /// The rotated generations of a log that exist now, newest first by modification time.
    public func generations(of path: String, _ c: LogSetConfig) -> [(String, FileStatus)] {
        let logName = PathName.split(path).1
        let (dir, base) = generationBase(of: path, c)
        guard let listing = input.snapshot.entries(in: dir, prefix: base) else { return [] }
        let sep = c.dateExt ? "" : "."
        return listing.filter { name, st in
            name != logName && name.hasPrefix(base + sep) && st.kind == .regular && !name.hasPrefix(".rotatectl")
                && (c.dateExt || name.dropFirst(base.count + 1).first?.isNumber == true)
        }.map { (PathName.join(dir, $0.key), $0.value) }.sorted { $0.1.modified > $1.1.modified }
    }

    /// Where a log's rotated files are (its directory or `olddir`) and the stem their names start with
    /// (the log's name without `addextension` or `extension`).
    func generationBase(of path: String, _ c: LogSetConfig) -> (directory: String, base: String) {
        let (logDir, logName) = PathName.split(path)
        var dir = logDir
        if let old = c.oldDir { dir = PathName.normalize(old.hasPrefix("/") ? old : PathName.join(logDir, old)) }
        var base = logName
        if let add = c.addExtension, base.hasSuffix(add), base.count > add.count { base.removeLast(add.count) }
        if let ext = c.extension_, base.hasSuffix(ext), base.count > ext.count { base.removeLast(ext.count) }
        return (dir, base)
    }
}
