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
        claim(dir, [index], count: count, flag: flag)
    }

    /// Records a whole match at once.
    mutating func claim(_ match: GlobMatch, flag: Bool) {
        claim(match.directory, match.indices, count: match.listing.count, flag: flag)
    }

    private mutating func claim(_ dir: String, _ indices: [UInt32], count: Int, flag: Bool) {
        // Taken out of the dictionary while changed, so the array is not copied.
        var m = marks.removeValue(forKey: dir) ?? []
        if m.count < count { m.append(contentsOf: repeatElement(0, count: count - m.count)) }
        for i in indices where Int(i) < m.count && m[Int(i)] == 0 { m[Int(i)] = flag ? 2 : 1 }
        marks[dir] = m
    }
}
