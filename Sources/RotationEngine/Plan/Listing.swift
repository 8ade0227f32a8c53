#if canImport(Glibc)
import Glibc
#endif

/// One directory's entries as the snapshot keeps them: every name's bytes (NUL-terminated, as `readdir`
/// gave them, UTF-8 or not) in one arena, the entries in byte order of their names, each with its `lstat` packed into 64 bytes. A
/// directory of 100,000 logs costs about 90 bytes a file (a dictionary of `String`s took 300), a
/// log's generations (the names it prefixes) are one binary search away, and a glob matches the
/// names with fnmatch(3) on the arena without making a `String` of any. A name becomes a `String`
/// through `FileNameEncoding.decode`, and a `String` is looked up by `FileNameEncoding.encode`.
public struct Listing: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private var arena: [UInt8] = []
    /// Where each entry's name starts in `arena`, in name order.
    private var starts: [UInt32] = []
    private var statuses: [PackedStatus] = []

    public init() {}

    /// From unordered entries; a repeated name keeps its last status.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, FileStatus) {
        for (name, status) in entries { self[name] = status }
    }

    public init(dictionaryLiteral elements: (String, FileStatus)...) { self.init(elements) }

    /// From raw names in any order: `append` them, then `finish(status:)` sorts them and asks for
    /// each one's status.
    struct Builder {
        var arena: [UInt8] = []
        var starts: [UInt32] = []

        mutating func append(_ name: UnsafeBufferPointer<UInt8>) {
            starts.append(UInt32(arena.count))
            arena.append(contentsOf: name)
            arena.append(0)
        }

        /// Sorts the names, drops repeats, and keeps those `status` (called with the NUL-terminated name
        /// in name order) gives a status for.
        consuming func finish<E: Error>(status: (UnsafePointer<CChar>) throws(E) -> FileStatus?) throws(E) -> Listing {
            var listing = Listing()
            let arena = self.arena
            var order = self.starts
            arena.withUnsafeBufferPointer { a in
                order.sort { x, y in Listing.compare(a, Int(x), a, Int(y)) < 0 }
            }
            listing.statuses.reserveCapacity(order.count)
            var kept = 0
            try arena.withUnsafeBufferPointer { (a: UnsafeBufferPointer<UInt8>) throws(E) in
                for i in order.indices {
                    if kept > 0 && Listing.compare(a, Int(order[i]), a, Int(order[kept - 1])) == 0 { continue }
                    guard let s = try status(Listing.cName(a, Int(order[i]))) else { continue }
                    order[kept] = order[i]
                    listing.statuses.append(PackedStatus(s))
                    kept += 1
                }
            }
            order.removeSubrange(kept...)
            listing.arena = arena
            listing.starts = order
            return listing
        }
    }

    /// The NUL-terminated name at `offset` of an arena (an empty name for an empty arena).
    static func cName(_ a: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UnsafePointer<CChar> {
        guard let base = a.baseAddress, offset < a.count else { return emptyName }
        return UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
    }
    nonisolated(unsafe) private static let emptyName: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// strcmp of two NUL-terminated names in arenas.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int) -> Int32 {
        strcmp(cName(a, i), cName(b, j))
    }

    public var count: Int { starts.count }
    public var isEmpty: Bool { starts.isEmpty }

    /// The name of entry `i` (in name order), made on demand.
    public func name(at i: Int) -> String {
        arena.withUnsafeBufferPointer { a in
            let start = Int(starts[i])
            let end = a[start...].firstIndex(of: 0) ?? a.count
            return FileNameEncoding.decode(UnsafeBufferPointer(rebasing: a[start..<end]))
        }
    }

    /// The status of entry `i`.
    public func status(at i: Int) -> FileStatus { statuses[i].status }

    /// Every name, in order (made as `String`s: for small listings and tests).
    public var names: [String] { (0..<count).map(name(at:)) }
    /// `names`, as a dictionary's `keys` reads.
    public var keys: [String] { names }

    /// The NUL-terminated bytes `name` stands for.
    private static func key(_ name: String) -> [UInt8] {
        var key = FileNameEncoding.encode(name)
        key.append(0)
        return key
    }

    /// The index of the first entry whose name is not below `key` (byte order).
    private func lowerBound(_ key: [UInt8]) -> Int {
        key.withUnsafeBufferPointer { k in
            arena.withUnsafeBufferPointer { a in
                var lo = 0, hi = starts.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if Listing.compare(a, Int(starts[mid]), k, 0) < 0 { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
        }
    }

    /// Whether entry `i` is named `key` (NUL-terminated bytes).
    private func isNamed(_ i: Int, _ key: [UInt8]) -> Bool {
        i < count && key.withUnsafeBufferPointer { k in
            arena.withUnsafeBufferPointer { a in Listing.compare(a, Int(starts[i]), k, 0) == 0 }
        }
    }

    /// The index of the entry named `name` (its bytes, not canonical equivalence: `é` precomposed and
    /// decomposed are two files).
    public func index(of name: String) -> Int? {
        let key = Self.key(name)
        let i = lowerBound(key)
        return isNamed(i, key) ? i : nil
    }

    /// The status of `name`; setting nil removes it (tests build listings this way).
    public subscript(name: String) -> FileStatus? {
        get { index(of: name).map { statuses[$0].status } }
        set {
            let key = Self.key(name)
            let i = lowerBound(key)
            let present = isNamed(i, key)
            switch (present, newValue) {
            case (true, let s?): statuses[i] = PackedStatus(s)
            case (true, nil): starts.remove(at: i); statuses.remove(at: i)
            case (false, let s?):
                starts.insert(UInt32(arena.count), at: i)
                arena.append(contentsOf: key)
                statuses.insert(PackedStatus(s), at: i)
            case (false, nil): break
            }
        }
    }

    /// Feeds every name and status, in order, to `hasher`, leaving out the entries named in
    /// `excluded`: equal listings feed it equal values.
    func fingerprint(into hasher: inout Hasher, excluding excluded: [String] = []) {
        let skip = excluded.map { Self.key($0) }
        arena.withUnsafeBufferPointer { a in
            for (start, status) in zip(starts, statuses) {
                let name = Listing.cName(a, Int(start))
                if skip.contains(where: { strcmp($0, name) == 0 }) { continue }
                hasher.combine(bytes: UnsafeRawBufferPointer(start: name, count: strlen(name) + 1))
                hasher.combine(status)
            }
        }
    }

    /// The entries whose names start with the bytes of `prefix`, found by binary search.
    public func entries(prefix: String) -> [String: FileStatus] {
        var out: [String: FileStatus] = [:]
        let bytes = FileNameEncoding.encode(prefix)
        var i = lowerBound(Self.key(prefix))
        while i < count {
            let starts = arena.withUnsafeBufferPointer { a in
                bytes.withUnsafeBufferPointer { p in
                    p.count == 0 || strncmp(Listing.cName(a, Int(self.starts[i])),
                                            UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self), p.count) == 0
                }
            }
            guard starts else { break }
            out[name(at: i)] = statuses[i].status
            i += 1
        }
        return out
    }

    /// The indices of the entries whose names `pattern` matches (fnmatch(3) with FNM_PERIOD), in order.
    func indices(matching pattern: String) -> [UInt32] {
        var out: [UInt32] = []
        FileNameEncoding.withCString(pattern) { p in
            arena.withUnsafeBufferPointer { a in
                for (i, start) in starts.enumerated() {
                    if fnmatch(p, Listing.cName(a, Int(start)), FNM_PERIOD) == 0 { out.append(UInt32(i)) }
                }
            }
        }
        return out
    }

    public static func == (a: Listing, b: Listing) -> Bool {
        a.count == b.count && a.statuses == b.statuses && a.names == b.names
    }

    public struct Iterator: IteratorProtocol {
        let listing: Listing
        var index = 0
        public mutating func next() -> (name: String, status: FileStatus)? {
            guard index < listing.count else { return nil }
            defer { index += 1 }
            return (listing.name(at: index), listing.statuses[index].status)
        }
    }

    /// The entries in name order.
    public func makeIterator() -> Iterator { Iterator(listing: self) }
}

/// A `FileStatus` in 64 bytes instead of 88: nanoseconds, link count, mode and kind in the widths
/// the kernel actually fills.
struct PackedStatus: Sendable, Equatable, Hashable {
    var size: Int64
    var inode: UInt64
    var device: UInt64
    var modifiedSeconds: Int64
    var accessedSeconds: Int64
    var modifiedNanoseconds: UInt32
    var accessedNanoseconds: UInt32
    var uid: UInt32
    var gid: UInt32
    var linkCount: UInt32
    var mode: UInt16
    var kind: UInt8

    init(_ s: FileStatus) {
        size = s.size; inode = s.inode; device = s.device
        modifiedSeconds = s.modified.seconds; accessedSeconds = s.accessed.seconds
        modifiedNanoseconds = UInt32(clamping: s.modified.nanoseconds)
        accessedNanoseconds = UInt32(clamping: s.accessed.nanoseconds)
        uid = s.uid; gid = s.gid
        linkCount = UInt32(clamping: s.linkCount)
        mode = UInt16(truncatingIfNeeded: s.mode & 0o7777)
        kind = s.kind.rawValue
    }

    var status: FileStatus {
        FileStatus(kind: FileStatus.Kind(rawValue: kind) ?? .other, size: size, mode: UInt32(mode), uid: uid, gid: gid,
                   linkCount: UInt64(linkCount), device: device, inode: inode,
                   modified: Timestamp(seconds: modifiedSeconds, nanoseconds: Int64(modifiedNanoseconds)),
                   accessed: Timestamp(seconds: accessedSeconds, nanoseconds: Int64(accessedNanoseconds)))
    }
}
