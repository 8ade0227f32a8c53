/// The open directories of one run, by absolute path: each opened once and used for every lock, listing
/// and change in it, so a directory swapped for a symbolic link mid-run cannot redirect us.
final class DirectoryCache {
    private var handles: [String: DirectoryHandle] = [:]

    func handle(_ path: String) throws(SystemError) -> DirectoryHandle {
        if let h = handles[path] { return h }
        let h = try DirectoryHandle.open(path, followLast: true)
        handles[path] = h
        return h
    }

    /// Forgets a directory that did not exist when first asked for (it may be created by `createolddir`).
    func forget(_ path: String) { handles[path] = nil }

    /// The handle and name for an absolute file path.
    func locate(_ path: String) throws(SystemError) -> (DirectoryHandle, String) {
        let (dir, name) = PathName.split(path)
        return (try handle(dir), name)
    }
}
