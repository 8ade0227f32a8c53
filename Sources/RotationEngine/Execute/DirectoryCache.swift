/// The open directories of one run, by absolute path: each opened once and used for every lock, listing
/// and change in it, so a directory swapped for a symbolic link mid-run cannot redirect us; each opened by
/// `openTrusted`, never through a link another user could have planted.
final class DirectoryCache {
    private var handles: [String: DirectoryHandle] = [:]
    /// The directory `locate` found last: a batch names thousands of files in one directory.
    private var last: (path: String, handle: DirectoryHandle)?

    func handle(_ path: String) throws(SystemError) -> DirectoryHandle {
        if let h = handles[path] { return h }
        let h = try DirectoryHandle.openTrusted(path)
        handles[path] = h
        return h
    }

    /// Forgets a directory that did not exist when first asked for (it may be created by `createolddir`).
    func forget(_ path: String) {
        handles[path] = nil
        if last?.path == path { last = nil }
    }

    /// The handle and name for an absolute file path.
    func locate(_ path: String) throws(SystemError) -> (DirectoryHandle, String) {
        if let last, let name = Self.name(of: path, in: last.path) { return (last.handle, name) }
        let (dir, name) = PathName.split(path)
        let h = try handle(dir)
        last = (dir, h)
        return (h, name)
    }

    /// The last component of `path` when its directory is exactly `dir`, compared byte by byte.
    static func name(of path: String, in dir: String) -> String? {
        let p = path.utf8, d = dir.utf8
        guard p.starts(with: d) else { return nil }
        var start = p.index(p.startIndex, offsetBy: d.count)
        if !dir.hasSuffix("/") {
            guard start < p.endIndex, p[start] == UInt8(ascii: "/") else { return nil }
            start = p.index(after: start)
        }
        guard start < p.endIndex, !p[start...].contains(UInt8(ascii: "/")) else { return nil }
        return String(path[start...])
    }
}
