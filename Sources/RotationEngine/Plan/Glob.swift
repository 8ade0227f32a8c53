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
    /// sorted. The names are the listing's own strings, so a glob over 100,000 files allocates no
    /// path until the planner asks for one.
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
            let names = wildcard ? matching(p, entries.names) : (entries[p] != nil ? [p] : [])
            if !names.isEmpty { groups.append(GlobMatch(directory: base, names: names)) }
        }
        // Paths of one pattern all have the same depth, so ordering the groups by "DIR/" orders the paths.
        return groups.sorted { $0.directory + "/" < $1.directory + "/" }
    }

    /// The names `pattern` matches, in order. When it matches them all (`*.log` over a directory of
    /// logs) the result is `names` itself, sharing its storage rather than copying 100,000 strings.
    static func matching(_ pattern: String, _ names: [String]) -> [String] {
        guard let miss = names.firstIndex(where: { !matches(pattern, $0) }) else { return names }
        var out = Array(names[..<miss])
        for name in names[(miss + 1)...] where matches(pattern, name) { out.append(name) }
        return out
    }

    /// fnmatch(3) with FNM_PERIOD.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PERIOD) == 0
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

/// The names one glob pattern matched in one directory.
public struct GlobMatch: Sendable, Equatable {
    /// The directory as listed (`.` or `./sub` for a relative pattern).
    public var directory: String
    /// Sorted.
    public var names: [String]

    /// The path of one of the names, as glob(3) spells it (no leading `./`).
    public func path(_ name: String) -> String {
        if directory == "." { return name }
        let joined = PathName.join(directory, name)
        return joined.hasPrefix("./") ? String(joined.dropFirst(2)) : joined
    }

    public var paths: [String] { names.map(path) }
}
