/// The log patterns of a configuration, to ask whether it names a path: each pattern matched
/// component by component with `fnmatch(3)` (a `*` never crosses a `/`), as logrotate's `glob` expands it.
public struct LogPatterns: Sendable {
    let literal: Set<String>
    let globs: [[String]]

    public init(_ patterns: [String]) {
        var literal = Set<String>(), globs: [[String]] = []
        for p in patterns {
            if Glob.hasWildcard(Substring(p)) { globs.append(Self.components(p)) } else { literal.insert(Self.normalized(p)) }
        }
        self.literal = literal
        self.globs = globs
    }

    public var isEmpty: Bool { literal.isEmpty && globs.isEmpty }

    static func components(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }
    static func normalized(_ path: String) -> String { (path.hasPrefix("/") ? "/" : "") + components(path).joined(separator: "/") }

    /// Whether a pattern names `path`.
    public func names(_ path: String) -> Bool {
        if literal.contains(Self.normalized(path)) { return true }
        let parts = Self.components(path)
        return globs.contains { g in g.count == parts.count && zip(g, parts).allSatisfy { Glob.matches($0, $1) } }
    }
}
