#if canImport(Glibc)
import Glibc
#endif

/// Takes the `Snapshot` the planner needs: every directory a set's patterns walk through, the log
/// directories and their `olddir`s, each listed once with one `fstatat(AT_SYMLINK_NOFOLLOW)` per name.
/// Names that are not valid UTF-8 are left out, and those a pattern matches reported in `warnings`.
public struct SnapshotReader {
    public init() {}

    public func read(_ sets: [LogSetConfig]) -> Snapshot {
        var snapshot = Snapshot()
        var tried = Set<String>()
        var invalid: [String: [[UInt8]]] = [:]
        func list(_ dir: String) -> Listing? {
            if let done = snapshot.directories[dir] { return done }
            if tried.contains(dir) { return nil }
            tried.insert(dir)
            do {
                let handle = try DirectoryHandle.openTrusted(dir)
                var builder = Listing.Builder()
                var invalidNames: [[UInt8]] = []
                try handle.forEachEntryName { bytes in
                    if Self.isValidUTF8(bytes) { builder.append(bytes) } else { invalidNames.append(Array(bytes)) }
                }
                let entries = try builder.finish { (name: UnsafePointer<CChar>) throws(SystemError) in
                    try handle.status(cName: name)
                }
                if !invalidNames.isEmpty { invalid[PathName.normalize(dir)] = invalidNames }
                snapshot.directories[dir] = entries
                snapshot.directoryStatuses[dir] = try handle.status()
                return entries
            } catch {
                if error.errno != .noSuchFileOrDirectory { snapshot.unreadable[dir] = error.description }
                return nil
            }
        }
        for set in sets {
            Snapshot.walk(set, list: list)
            for pattern in set.patterns { warnAboutInvalidNames(matching: pattern, invalid, list, &snapshot) }
        }
        return snapshot
    }

    /// A name that is not valid UTF-8 cannot be named again through a `String` (it would be repaired
    /// with U+FFFD and miss the file), so it is left out of the snapshot; one that the pattern matches
    /// gets a warning naming it with its bad bytes as `\xNN`.
    func warnAboutInvalidNames(matching pattern: String, _ invalid: [String: [[UInt8]]],
                               _ list: (String) -> Listing?, _ snapshot: inout Snapshot) {
        guard !invalid.isEmpty else { return }
        let (dirPattern, last) = PathName.split(pattern)
        let dirs = Glob.hasWildcard(Substring(dirPattern)) ? Glob.expand(dirPattern, list: list) : [dirPattern]
        for dir in Set(dirs).sorted() {
            for bytes in invalid[PathName.normalize(dir)] ?? [] where Self.matches(last, bytes) {
                let warning = "\(PathName.join(dir, DirectoryHandle.displayName(bytes))): skipped: its name is not valid UTF-8 (rename it to have it rotated)"
                if !snapshot.warnings.contains(warning) { snapshot.warnings.append(warning) }
            }
        }
    }

    /// Whether a name is valid UTF-8 (what `String(validating:)` accepts), without making a `String`
    /// of the common all-ASCII name.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    /// `fnmatch(FNM_PERIOD)` of raw name bytes.
    static func matches(_ pattern: String, _ name: [UInt8]) -> Bool {
        (name + [0]).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { fnmatch(pattern, $0.baseAddress, FNM_PERIOD) == 0 }
        }
    }
}
