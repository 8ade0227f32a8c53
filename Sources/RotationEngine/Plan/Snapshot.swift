/// The file system as the planner sees it: the listing of every directory it looked at, each name
/// with its `lstat`. Taken by `SnapshotReader`; built by hand in tests.
public struct Snapshot: Sendable {
    /// Absolute directory path → its entries. A directory that does not exist has no key.
    public var directories: [String: Listing]
    /// Directories that could not be read, with the reason.
    public var unreadable: [String: String]
    /// `fstat` of each listed directory (owner and mode, for the root safety rule).
    public var directoryStatuses: [String: FileStatus] = [:]

    public init(directories: [String: Listing] = [:], unreadable: [String: String] = [:]) {
        self.directories = directories
        self.unreadable = unreadable
    }

    /// The entries of `dir` whose names start with `prefix`; nil when the directory was not listed.
    public func entries(in dir: String, prefix: String) -> [String: FileStatus]? {
        directories[dir]?.entries(prefix: prefix)
    }

    /// The `lstat` of an absolute path, if its directory was listed and it exists.
    public func status(_ path: String) -> FileStatus? {
        let (dir, name) = PathName.split(path)
        return directories[dir]?[name]
    }

    /// Asks `list` for every directory the planner reads for `set`, in order: each directory its patterns
    /// walk through, and each match's `olddir`. `SnapshotReader` lists them from disk this way, and
    /// `fingerprint(of:)` walks a snapshot the same way.
    public static func walk(_ set: LogSetConfig, list: (String) -> Listing?) {
        for pattern in set.patterns {
            for match in Glob.expandByDirectory(pattern, list: list) {
                guard let old = set.oldDir else { continue }
                _ = list(PathName.normalize(old.hasPrefix("/") ? old : PathName.join(match.directory, old)))
            }
        }
    }

    /// Adds a file to a listing (tests).
    public mutating func add(_ path: String, _ status: FileStatus) {
        let (dir, name) = PathName.split(path)
        directories[dir, default: Listing()][name] = status
    }
}

/// Pure path helpers (no file system).
public enum PathName {
    /// Splits `/a/b/c` into (`/a/b`, `c`), `/c` into (`/`, `c`), `c` into (`.`, `c`).
    public static func split(_ path: String) -> (String, String) {
        // On the UTF-8 view: a byte search, not a walk over grapheme clusters.
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let name = String(path[utf8.index(after: slash)...])
        let dir = slash == utf8.startIndex ? "/" : String(path[..<slash])
        return (dir, name)
    }

    public static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// Removes `.` components, repeated and trailing slashes (keeps `..`: the planner never resolves links).
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
