/// Whose pid files a set may trust besides root's.
extension Runner {
    /// The non-root owners of a set's logs (those named without wildcards) and of their directories,
    /// and its `su` user; nil without a configuration (a journal replayed after a crash).
    func logOwners(_ config: LogSetConfig?) -> Set<UInt32>? {
        guard let config else { return nil }
        var owners: Set<UInt32> = []
        if let su = config.su { owners.insert(su.uid) }
        for pattern in config.patterns {
            let (dir, name) = PathName.split(pattern)
            guard !Glob.hasWildcard(Substring(dir)), let handle = try? directories.handle(dir) else { continue }
            if let st = try? handle.status() { owners.insert(st.uid) }
            if !Glob.hasWildcard(Substring(name)), let st = try? handle.status(name) { owners.insert(st.uid) }
        }
        owners.remove(0)
        return owners
    }
}
