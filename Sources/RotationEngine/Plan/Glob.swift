#if canImport(Glibc)
import Glibc
#endif

/// Pure glob expansion over directory listings, as glob(3) without GLOB_PERIOD: a wildcard never
/// matches a leading dot; results are sorted. `list` returns a directory's entries, or nil if absent.
public enum Glob {
    public static func hasWildcard(_ s: Substring) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    /// The matches as sorted paths (glob(3)'s order).
    public static func expand(_ pattern: String, list: (String) -> Listing?) -> [String] {
        expandByDirectory(pattern, list: list).flatMap(\.paths)
    }

    /// The matches grouped by directory, in glob(3)'s order: the directories sorted, the names in each
    /// sorted. Each match is an index into the directory's listing, so a glob over 100,000 files
    /// makes no name or path until the planner asks for one.
    public static func expandByDirectory(_ pattern: String, list: (String) -> Listing?) -> [GlobMatch] {
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        guard let lastPart = parts.last else { return absolute ? [GlobMatch(directory: "/", names: [""])] : [] }
        var current: [String] = [absolute ? "/" : "."]
        for part in parts.dropLast() {
            var next: [String] = []
            for base in current {
                if !hasWildcard(part) {
                    next.append(PathName.join(base, unescape(part)))
                    continue
                }
                guard let entries = list(base) else { continue }
                let p = String(part)
                for (name, status) in entries where status.kind == .directory && matches(p, name) {
                    next.append(PathName.join(base, name))
                }
            }
            current = next.sorted()
        }
        var groups: [GlobMatch] = []
        let wildcard = hasWildcard(lastPart)
        let p = wildcard ? String(lastPart) : unescape(lastPart)
        for base in current {
            guard let entries = list(base) else { continue }
            let indices = wildcard ? entries.indices(matching: p) : entries.index(of: p).map { [UInt32($0)] } ?? []
            if !indices.isEmpty { groups.append(GlobMatch(directory: base, listing: entries, indices: indices)) }
        }
        // Paths of one pattern all have the same depth, so ordering the groups by "DIR/" orders the paths.
        return groups.sorted { $0.directory + "/" < $1.directory + "/" }
    }

    /// fnmatch(3) with FNM_PERIOD, on the bytes the pattern and the name stand for.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        FileNameEncoding.withCString(pattern) { p in FileNameEncoding.withCString(name) { fnmatch(p, $0, FNM_PERIOD) == 0 } }
    }

    static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}

/// The names one glob pattern matched in one directory: indices into the directory's `Listing`
/// (4 bytes a match, sharing the listing's storage), or plain names where no listing is at hand.
public struct GlobMatch: Sendable, Equatable {
    /// The directory as listed (`.` or `./sub` for a relative pattern).
    public var directory: String
    /// The listing the indices point into (empty for a match made from names).
    public private(set) var listing: Listing
    /// Entries of `listing`, in name order.
    public private(set) var indices: [UInt32]
    private var plainNames: [String]

    public init(directory: String, listing: Listing, indices: [UInt32]) {
        self.directory = directory; self.listing = listing; self.indices = indices; plainNames = []
    }

    /// A match from names (sorted), without a listing.
    public init(directory: String, names: [String]) {
        self.directory = directory; listing = Listing(); indices = []; plainNames = names
    }

    public var count: Int { plainNames.isEmpty ? indices.count : plainNames.count }

    /// The `k`th name.
    public func name(_ k: Int) -> String { plainNames.isEmpty ? listing.name(at: Int(indices[k])) : plainNames[k] }

    /// The `k`th name's status, when the match has a listing.
    public func status(_ k: Int) -> FileStatus? { plainNames.isEmpty ? listing.status(at: Int(indices[k])) : nil }

    /// The names (made as `String`s).
    public var names: [String] { (0..<count).map(name) }

    /// Keeps the matches `keep` accepts (given their position).
    mutating func filter(_ keep: (Int) -> Bool) {
        if plainNames.isEmpty {
            indices = indices.indices.filter(keep).map { indices[$0] }
        } else {
            plainNames = plainNames.indices.filter(keep).map { plainNames[$0] }
        }
    }

    /// The path of a name, as glob(3) spells it (no leading `./`).
    public func path(_ name: String) -> String {
        if directory == "." { return name }
        let joined = PathName.join(directory, name)
        return joined.hasPrefix("./") ? String(joined.dropFirst(2)) : joined
    }

    public var paths: [String] { names.map(path) }

    public static func == (a: GlobMatch, b: GlobMatch) -> Bool { a.directory == b.directory && a.names == b.names }
}
