/// The logs that sets planned so far have named, by directory: sorted names, each with the
/// `ignoreduplicates` flag of the set that named it first. Sorted arrays searched by bisection rather
/// than a set of full paths, so a glob over 100,000 logs adds about 17 bytes a log and no path.
struct Claims {
    private struct Names {
        var names: [String] = []
        var flags: [Bool] = []
    }
    private var sorted: [String: Names] = [:]
    /// Names added by `add`, each array sorted, waiting for `merge`.
    private var pending: [String: [[String]]] = [:]

    /// The flag of the set that claimed `dir`/`name`, or nil when no earlier set named it.
    func flag(_ dir: String, _ name: String) -> Bool? {
        guard let entry = sorted[dir] else { return nil }
        var lo = 0, hi = entry.names.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entry.names[mid] < name { lo = mid + 1 } else { hi = mid }
        }
        return lo < entry.names.count && entry.names[lo] == name ? entry.flags[lo] : nil
    }

    /// Records the logs of the set being planned, `names` sorted (not visible to `flag` until merged).
    /// The array is kept as given, sharing its storage.
    mutating func add(_ dir: String, _ names: [String]) {
        pending[dir, default: []].append(names)
    }

    /// Makes the logs another `Claims` recorded with `add` visible, all with `flag`; a log already
    /// claimed keeps its first flag.
    mutating func merge(_ other: Claims, flag: Bool) {
        for (dir, arrays) in other.pending {
            let old = sorted[dir] ?? Names()
            if old.names.isEmpty, arrays.count == 1, let only = arrays.first {
                sorted[dir] = Names(names: only, flags: Array(repeating: flag, count: only.count))
                continue
            }
            var new = Names()
            new.names.reserveCapacity(old.names.count + arrays.reduce(0) { $0 + $1.count })
            new.flags.reserveCapacity(new.names.capacity)
            var i = 0
            for name in arrays.joined().sorted() {
                while i < old.names.count, old.names[i] < name {
                    new.names.append(old.names[i]); new.flags.append(old.flags[i]); i += 1
                }
                if i < old.names.count, old.names[i] == name { continue }   // the first claim stands
                if new.names.last == name { continue }
                new.names.append(name); new.flags.append(flag)
            }
            new.names.append(contentsOf: old.names[i...]); new.flags.append(contentsOf: old.flags[i...])
            sorted[dir] = new
        }
    }
}
