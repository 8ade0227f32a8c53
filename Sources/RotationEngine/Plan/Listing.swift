/// One directory's entries as the snapshot keeps them: the names in sorted order and, in a parallel
/// array, each name's `lstat` packed into 64 bytes. Two flat arrays instead of a dictionary, so a
/// directory of 100,000 logs costs about 80 bytes a file rather than 300 in hash buckets, and a log's
/// generations (the names it prefixes) are one binary search away.
public struct Listing: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// Sorted, without duplicates.
    public private(set) var names: [String]
    private var statuses: [PackedStatus]

    public init() { names = []; statuses = [] }

    /// From unordered entries; a repeated name keeps its last status.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, FileStatus) {
        let sorted = entries.sorted { $0.0 < $1.0 }
        names = []; statuses = []
        names.reserveCapacity(sorted.count); statuses.reserveCapacity(sorted.count)
        for (name, status) in sorted {
            if names.last == name { statuses[statuses.count - 1] = PackedStatus(status); continue }
            names.append(name); statuses.append(PackedStatus(status))
        }
    }

    /// From a directory's names in any order: sorts them, then asks `status` for each in turn (nil
    /// leaves the name out). Builds the two arrays in place, without a second copy of the entries.
    public init<E: Error>(sorting unsorted: consuming [String], status: (String) throws(E) -> FileStatus?) throws(E) {
        // Sorted in place and kept as the names array when every name has a status (the usual case):
        // a directory of 100,000 names is never copied.
        names = consume unsorted
        names.sort()
        statuses = []
        statuses.reserveCapacity(names.count)
        var kept = 0
        for i in names.indices {
            if i > 0 && names[i] == names[i - 1] { continue }
            guard let s = try status(names[i]) else { continue }
            if kept != i { names[kept] = names[i] }
            statuses.append(PackedStatus(s))
            kept += 1
        }
        if kept < names.count { names.removeSubrange(kept...) }
    }

    public init(dictionaryLiteral elements: (String, FileStatus)...) { self.init(elements) }

    public var count: Int { names.count }
    /// The names, sorted (as a dictionary's `keys` reads).
    public var keys: [String] { names }
    public var isEmpty: Bool { names.isEmpty }

    /// The index of the first name not below `name`.
    private func lowerBound(_ name: String) -> Int {
        var lo = 0, hi = names.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if names[mid] < name { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The status of `name`; setting nil removes it (tests and the reader build listings this way).
    public subscript(name: String) -> FileStatus? {
        get {
            let i = lowerBound(name)
            return i < names.count && names[i] == name ? statuses[i].status : nil
        }
        set {
            let i = lowerBound(name)
            let present = i < names.count && names[i] == name
            switch (present, newValue) {
            case (true, let s?): statuses[i] = PackedStatus(s)
            case (true, nil): names.remove(at: i); statuses.remove(at: i)
            case (false, let s?): names.insert(name, at: i); statuses.insert(PackedStatus(s), at: i)
            case (false, nil): break
            }
        }
    }

    /// The entries whose names start with `prefix`, found by binary search.
    public func entries(prefix: String) -> [String: FileStatus] {
        var out: [String: FileStatus] = [:]
        var i = lowerBound(prefix)
        while i < names.count, names[i].hasPrefix(prefix) {
            out[names[i]] = statuses[i].status
            i += 1
        }
        return out
    }

    public struct Iterator: IteratorProtocol {
        let listing: Listing
        var index = 0
        public mutating func next() -> (name: String, status: FileStatus)? {
            guard index < listing.names.count else { return nil }
            defer { index += 1 }
            return (listing.names[index], listing.statuses[index].status)
        }
    }

    /// The entries in name order.
    public func makeIterator() -> Iterator { Iterator(listing: self) }
}

/// A `FileStatus` in 64 bytes instead of 88: nanoseconds, link count, mode and kind in the widths
/// the kernel actually fills.
struct PackedStatus: Sendable, Equatable {
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
