/// The logs that sets planned so far have named, by directory: for each entry of the directory's
/// listing, whether a set named it and with which `ignoreduplicates` flag. One byte per entry of a
/// listing instead of a set of full paths, so a glob over 100,000 logs adds 100 KB and no path.
/// Indices are those of the planner's snapshot, the same for every set.
struct Claims {
    /// 0: not named; 1: named by a set without `ignoreduplicates`; 2: named by a set with it.
    private var marks: [String: [UInt8]] = [:]

    /// The flag of the set that claimed entry `index` of `dir`'s listing, or nil when none did.
    func flag(_ dir: String, _ index: UInt32) -> Bool? {
        guard let m = marks[dir], Int(index) < m.count, m[Int(index)] != 0 else { return nil }
        return m[Int(index)] == 2
    }

    /// Records that entry `index` of `dir`'s listing (of `count` entries) is named with `flag`;
    /// an entry already claimed keeps its first flag.
    mutating func claim(_ dir: String, _ index: UInt32, count: Int, flag: Bool) {
        var m = marks[dir] ?? []
        marks[dir] = nil
        if m.count < count { m.append(contentsOf: repeatElement(0, count: count - m.count)) }
        if Int(index) < m.count, m[Int(index)] == 0 { m[Int(index)] = flag ? 2 : 1 }
        marks[dir] = m
    }

    /// Records a whole match at once (cheaper than one `claim` per entry).
    mutating func claim(_ match: GlobMatch, flag: Bool) {
        var m = marks[match.directory] ?? []
        marks[match.directory] = nil
        let count = match.listing.count
        if m.count < count { m.append(contentsOf: repeatElement(0, count: count - m.count)) }
        for i in match.indices where Int(i) < m.count && m[Int(i)] == 0 { m[Int(i)] = flag ? 2 : 1 }
        marks[match.directory] = m
    }
}
