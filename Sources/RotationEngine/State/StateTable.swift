/// The state as the engine holds it: log path → epoch seconds of its last rotation. Every path's
/// UTF-8 bytes sit in an arena of 1 MiB pages with an open-addressing index over them, so 100,000 entries take
/// about 5 MB where a `[String: Int64]` takes 13 (a heap string per path plus half-empty buckets).
/// Used like a dictionary: subscript by path, iterate (in insertion order), compare.
public struct StateTable: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// Pages of path bytes, each at most `pageSize`: the arena grows a page at a time instead of
    /// doubling (and copying) one array, which at times held three times the bytes.
    private var pages: [[UInt8]] = []
    private static let pageBits = 20
    private static let pageSize = 1 << pageBits
    /// Where entry `e`'s bytes start: page index in the high bits, offset in the low `pageBits`.
    private var starts: [UInt32] = []
    /// `removedTime` marks an entry whose path was removed (its bytes stay in the arena).
    private var times: [Int64] = []
    /// Slot → entry index + 1; 0 is an empty slot. The capacity is a power of two at least twice the
    /// number of entries ever stored, so a probe sequence always ends.
    private var slots: [UInt32] = []
    public private(set) var count = 0
    private static let removedTime = Int64.min

    private func length(_ e: Int) -> Int {
        let (page, offset) = Self.split(starts[e])
        if e + 1 < starts.count {
            let (nextPage, nextOffset) = Self.split(starts[e + 1])
            if nextPage == page { return nextOffset - offset }
        }
        return pages[page].count - offset
    }

    private static func split(_ start: UInt32) -> (page: Int, offset: Int) {
        (Int(start >> UInt32(pageBits)), Int(start & UInt32(pageSize - 1)))
    }

    /// Calls `body` with entry `e`'s path bytes.
    private func withKey<R>(_ e: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let (page, offset) = Self.split(starts[e])
        let n = length(e)
        return pages[page].withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[offset..<offset + n])) }
    }
    private func isRemoved(_ e: Int) -> Bool { times[e] == Self.removedTime }

    public init() {}

    public init(dictionaryLiteral elements: (String, Int64)...) {
        for (path, time) in elements { self[path] = time }
    }

    public init(_ dictionary: [String: Int64]) {
        reserveCapacity(dictionary.count)
        for (path, time) in dictionary { self[path] = time }
    }

    public var isEmpty: Bool { count == 0 }

    /// Room for `n` entries without growing the index.
    public mutating func reserveCapacity(_ n: Int) {
        starts.reserveCapacity(n); times.reserveCapacity(n)
        if slots.count < 2 * n { rehash(capacity: Self.capacity(for: n)) }
    }

    private static func capacity(for n: Int) -> Int {
        var c = 16
        while c < 2 * n { c <<= 1 }
        return c
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a: deterministic, and fast enough over a short path.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    private func bytesEqual(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard length(entry) == key.count else { return false }
        return withKey(entry) { stored in
            for i in 0..<key.count where stored[i] != key[i] { return false }
            return true
        }
    }

    /// The slot holding `key`'s entry, or the empty slot where it would go.
    private func find(_ key: UnsafeBufferPointer<UInt8>) -> (slot: Int, entry: Int?) {
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while true {
            let s = slots[slot]
            if s == 0 { return (slot, nil) }
            if bytesEqual(Int(s) - 1, key) { return (slot, Int(s) - 1) }
            slot = (slot + 1) & mask
        }
    }

    private func withBytes<R>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = path.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = path
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable(body) ?? Array(path.utf8).withUnsafeBufferPointer(body)
    }

    public subscript(path: String) -> Int64? {
        get {
            guard !slots.isEmpty else { return nil }
            return withBytes(path) { key in
                guard let e = find(key).entry, !isRemoved(e) else { return nil }
                return times[e]
            }
        }
        set {
            if slots.isEmpty { rehash(capacity: 16) }
            let (slot, entry) = withBytes(path) { find($0) }
            if let e = entry {
                switch (isRemoved(e), newValue) {
                case (false, let t?): times[e] = Swift.max(t, Self.removedTime + 1)
                case (false, nil): times[e] = Self.removedTime; count -= 1
                case (true, let t?): times[e] = Swift.max(t, Self.removedTime + 1); count += 1
                case (true, nil): break
                }
                return
            }
            // Int64.min marks removal; as a time it is 292 billion years ago either way.
            guard let given = newValue else { return }
            let time = Swift.max(given, Self.removedTime + 1)
            let n = path.utf8.count
            if pages.isEmpty || pages[pages.count - 1].count + n >= Self.pageSize {
                var page: [UInt8] = []
                page.reserveCapacity(Swift.max(Self.pageSize, n))
                pages.append(page)
            }
            let last = pages.count - 1
            starts.append(UInt32(last << Self.pageBits | pages[last].count))
            pages[last].append(contentsOf: path.utf8)
            times.append(time)
            count += 1
            slots[slot] = UInt32(starts.count)
            if 2 * starts.count > slots.count { rehash(capacity: slots.count * 2) }
        }
    }

    private mutating func rehash(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        let mask = capacity - 1
        for e in starts.indices {
            var slot = withKey(e) { Self.hash($0) } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(e + 1)
        }
    }

    /// The path of entry `e`, made on demand.
    private func path(_ e: Int) -> String {
        withKey(e) { String(decoding: $0, as: UTF8.self) }
    }

    /// The paths, in insertion order.
    public var keys: [String] { map(\.path) }

    public struct Iterator: IteratorProtocol {
        let table: StateTable
        var index = 0
        public mutating func next() -> (path: String, time: Int64)? {
            while index < table.starts.count {
                defer { index += 1 }
                if !table.isRemoved(index) { return (table.path(index), table.times[index]) }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: self) }

    /// Calls `body` for every entry in byte order of the paths (code point order, as UTF-8 sorts),
    /// making each path only for the call.
    public func forEachSortedByPath<E: Error>(_ body: (String, Int64) throws(E) -> Void) throws(E) {
        var order = (0..<starts.count).filter { !isRemoved($0) }.map { UInt32($0) }
        order.sort { x, y in
            withKey(Int(x)) { a in withKey(Int(y)) { b in a.lexicographicallyPrecedes(b) } }
        }
        for e in order { try body(path(Int(e)), times[Int(e)]) }
    }

    /// The paths of the entries whose time passes `test`, making only those paths.
    public func paths(whereTime test: (Int64) -> Bool) -> [String] {
        starts.indices.compactMap { !isRemoved($0) && test(times[$0]) ? path($0) : nil }
    }

    /// As a dictionary (tests, and callers that want one).
    public var dictionary: [String: Int64] {
        var d: [String: Int64] = [:]
        d.reserveCapacity(count)
        for (p, t) in self { d[p] = t }
        return d
    }

    public static func == (a: StateTable, b: StateTable) -> Bool {
        guard a.count == b.count else { return false }
        for (p, t) in a where b[p] != t { return false }
        return true
    }

    public static func == (a: StateTable, b: [String: Int64]) -> Bool { a == StateTable(b) }
    public static func == (a: [String: Int64], b: StateTable) -> Bool { StateTable(a) == b }
}
