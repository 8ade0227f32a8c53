#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A state file's directory and name, and the directory handle everything about it goes through.
struct StatePath: Sendable, Equatable {
    var directory: String
    var name: String

    init(_ path: String) {
        if let slash = path.lastIndex(of: "/") {
            let dir = String(path[..<slash])
            directory = dir.isEmpty ? "/" : dir
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
    }

    /// logrotate's convention: `/dev/null` means keep no state at all.
    static func isDiscarded(_ path: String) -> Bool { path == "/dev/null" }

    /// Opens the directory, or nil when it does not exist.
    func openDirectory() throws(SystemError) -> DirectoryHandle? {
        do {
            return try DirectoryHandle.open(directory, followLast: true)
        } catch where error.errno == .noSuchFileOrDirectory {
            return nil
        }
    }

    /// Opens the directory, creating it (mode 0700) and any missing parents (0755) first.
    func openOrCreateDirectory() throws(SystemError) -> DirectoryHandle {
        try StatePath.openOrCreate(directory, mode: 0o700)
    }

    private static func openOrCreate(_ dir: String, mode: mode_t) throws(SystemError) -> DirectoryHandle {
        do {
            return try DirectoryHandle.open(dir, followLast: true)
        } catch where error.errno == .noSuchFileOrDirectory && dir != "/" && dir != "." {
            let parts = StatePath(dir)
            let parent = try openOrCreate(parts.directory, mode: 0o755)
            try parent.makeDirectory(parts.name, mode: mode)
            return try DirectoryHandle.open(dir, followLast: true)
        }
    }
}
