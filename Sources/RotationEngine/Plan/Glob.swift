#if canImport(Glibc)
import Glibc
#endif

/// Pure glob expansion over directory listings, as glob(3) without GLOB_PERIOD: a wildcard never
/// matches a leading dot; results are sorted. `list` returns a directory's entries, or nil if absent.
public enum Glob {
    public static func hasWildcard(_ s: Substring) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    public static func expand(_ pattern: String, list: (String) -> [String: FileStatus]?) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        var current: [String] = [absolute ? "/" : "."]
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            var next: [String] = []
            for base in current {
                if !hasWildcard(part) {
                    let name = unescape(part)
                    let path = PathName.join(base, name)
                    if last {
                        if list(base)?[name] != nil { next.append(path) }
                    } else {
                        next.append(path)
                    }
                    continue
                }
                guard let entries = list(base) else { continue }
                for (name, status) in entries where matches(String(part), name) {
                    if !last && status.kind != .directory { continue }
                    next.append(PathName.join(base, name))
                }
            }
            current = next.sorted()
        }
        return absolute ? current : current.map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }
    }

    /// fnmatch(3) with FNM_PERIOD.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PERIOD) == 0
    }

    private static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var out = ""
        var escaped = false
        for c in s {
            if escaped { out.append(c); escaped = false } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }
}
