extension Planner {
    /// `maxtotalsize` between two rotations: when the rotated files of a log that is not due take more
    /// than the cap (the cap was lowered, files were put back, a leftover was added), the oldest are
    /// removed until they fit, keeping the newest, as a rotation would have done; the live log is not
    /// touched, no script runs and the state file records no rotation. Nil when there is nothing to
    /// remove: under the cap, or a single rotated file (which is never removed for the cap), so that a
    /// watcher is never woken twice for the same files.
    func trim(_ path: String, _ c: LogSetConfig) -> LogRotation? {
        guard let cap = c.maxTotalSize, cap > 0 else { return nil }
        let generations = retentionOrder(generations(of: path, c).filter { !$0.0.hasSuffix(".backup") }, of: path, c)
        let total = generations.reduce(Int64(0)) { $0 + $1.1.size }
        guard total > cap, generations.count > 1 else { return nil }
        var trim = LogRotation(path: path, rotatedPath: path, finishSteps: [.capTotalSize(generations: generations.map(\.0), cap: cap)])
        trim.recordsRotation = false
        return trim
    }

    /// `generations` of the log at `path` newest first as retention sees them: a numbered chain by its
    /// number (`log.1` is the newest), dated names by modification time (as `generations(of:)` gives them).
    func retentionOrder(_ generations: [(String, FileStatus)], of path: String, _ c: LogSetConfig) -> [(String, FileStatus)] {
        guard !c.dateExt else { return generations }
        let skip = generationBase(of: path, c).base.utf8.count + 1
        func number(_ generation: String) -> Int {
            Int(String(PathName.split(generation).1.utf8.dropFirst(skip).prefix { $0 >= 48 && $0 <= 57 }) ?? "") ?? Int.max
        }
        return generations.enumerated().sorted { a, b in
            let (x, y) = (number(a.element.0), number(b.element.0))
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }
}
