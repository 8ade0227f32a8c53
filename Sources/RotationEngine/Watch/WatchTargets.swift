/// Which log sets each directory concerns: every directory the planner reads for a set (those its
/// patterns walk through, its logs' directories and their `olddir`s), as found in a snapshot. Pure: the
/// watcher puts one inotify watch on each directory and re-evaluates a directory's sets on its events.
public struct WatchTargets: Sendable, Equatable {
    /// Directory → the indices of the sets that read it, ascending.
    public var setsByDirectory: [String: [Int]] = [:]
    /// Directories a set would read that do not exist (a log directory not made yet): the watcher
    /// watches their nearest existing ancestor, so it sees them appear without waiting for a re-scan.
    public var missing: Set<String> = []
    /// Set → the directories it reads (derived from `setsByDirectory` once, for `closure` and `directories(of:)`).
    var directoriesBySet: [Int: [String]] = [:]

    public init() {}

    /// The targets of `sets` (indices as in `sets`) in `snapshot`; a directory that does not exist is not
    /// among them, but in `missing`.
    public init(_ sets: [LogSetConfig], _ snapshot: Snapshot) {
        for (index, set) in sets.enumerated() {
            Snapshot.walk(set) { dir in
                guard let listing = snapshot.directories[dir] else {
                    missing.insert(dir)
                    return nil
                }
                if setsByDirectory[dir]?.last != index {
                    setsByDirectory[dir, default: []].append(index)
                    directoriesBySet[index, default: []].append(dir)
                }
                return listing
            }
        }
    }

    /// The directories to watch, sorted.
    public var directories: [String] { setsByDirectory.keys.sorted() }

    /// The sets to plan and run together with `sets`: each, and every earlier set that reads one of
    /// their directories, and so on. A log named by two sets belongs to the first, as under `run`, so a
    /// set is never planned without the earlier sets that could claim its logs. Ascending.
    public func closure(of sets: Set<Int>) -> [Int] {
        var result = sets
        var pending = Array(sets)
        while let set = pending.popLast() {
            for dir in directoriesBySet[set] ?? [] {
                for other in setsByDirectory[dir] ?? [] where other < set && !result.contains(other) {
                    result.insert(other)
                    pending.append(other)
                }
            }
        }
        return result.sorted()
    }

    /// `closure(of: sets)` split into the groups that share no directory: each group can run on its own
    /// while the others run, since no two groups lock, read or claim the same directory. Each group
    /// ascending, groups in the order of their first set.
    public func groups(of sets: Set<Int>) -> [[Int]] {
        let members = closure(of: sets)
        var parent = Dictionary(uniqueKeysWithValues: members.map { ($0, $0) })
        func root(_ x: Int) -> Int {
            var x = x
            while let p = parent[x], p != x { parent[x] = parent[p]; x = p }
            return x
        }
        for indices in setsByDirectory.values {
            let present = indices.filter { parent[$0] != nil }
            guard let first = present.first else { continue }
            for other in present.dropFirst() {
                let a = root(first), b = root(other)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var byRoot: [Int: [Int]] = [:]
        for m in members { byRoot[root(m), default: []].append(m) }
        return byRoot.values.sorted { $0[0] < $1[0] }
    }

    /// The due sets split into at most `slots` runs of about equal size, the sets of a `groups` group
    /// next to each other (a run plans and locks their directories once). Sets of one directory may
    /// land in two runs: each run rotates its own sets there while the other finishes its own
    /// (`DirectoryLock.Journals`), and plans the earlier sets of `closure` only to know their claims.
    /// Every due set is in exactly one run, each run ascending.
    public func jobs(of due: Set<Int>, slots: Int) -> [[Int]] {
        let ordered = groups(of: due).flatMap { $0.filter(due.contains) }
        guard !ordered.isEmpty else { return [] }
        let count = max(1, min(slots, ordered.count))
        let size = ordered.count / count, larger = ordered.count % count
        var jobs: [[Int]] = []
        var start = 0
        for k in 0..<count {
            let end = start + size + (k < larger ? 1 : 0)
            jobs.append(ordered[start..<end].sorted())
            start = end
        }
        return jobs
    }

    /// The directories the sets `sets` read.
    public func directories(of sets: [Int]) -> Set<String> {
        Set(sets.flatMap { directoriesBySet[$0] ?? [] })
    }
}
