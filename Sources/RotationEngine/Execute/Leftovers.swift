/// rotatectl's own files (`OwnFiles`: the lock and the journal's reserve) left in the directories a
/// configuration names, listed for a roll-back and, when asked, removed. Never follows a link, never
/// removes a file a live run holds (the directory's lock is taken first), and never touches a
/// directory with a journal: that rotation is unfinished, and the next `rotatectl run` completes it.
public struct Leftovers {
    /// What was found in one directory.
    public enum Finding: Sendable, Equatable {
        /// A lock file or reserve (listed, not removed).
        case found(String)
        case removed(String)
        /// A journal: a rotation to finish before anything here goes.
        case unfinished(String)
        /// Another run holds the directory (a run, `rotatectl lock`, or a script of a run).
        case busy(String, String)
        /// Not ours to remove (a symbolic link, a directory, another owner's file), or a failed call.
        case leftAlone(String, String)

        /// Whether it leaves something the caller asked to remove, or a rotation to finish.
        public var isProblem: Bool {
            switch self {
            case .found, .removed: false
            case .unfinished, .busy, .leftAlone: true
            }
        }
    }

    public let remove: Bool
    public init(remove: Bool) { self.remove = remove }

    /// Every directory the configuration's patterns walk through, its log directories and their
    /// `olddir`s (`SnapshotReader`), in order.
    public static func directories(of configuration: Configuration) -> [String] {
        var dirs = Set(SnapshotReader().read(configuration.logSets).directories.keys)
        // An olddir is listed only beside a log that exists; its lock stays when the log is gone.
        for set in configuration.logSets {
            guard let old = set.oldDir else { continue }
            for pattern in set.patterns {
                let dir = PathName.split(pattern).0
                if old.hasPrefix("/") { dirs.insert(old) } else if !Glob.hasWildcard(Substring(dir)) { dirs.insert(dir + "/" + old) }
            }
        }
        return dirs.sorted()
    }

    /// What is in `dir`, after removing it when `remove`.
    public func scan(_ dir: String) -> [Finding] {
        guard let handle = try? DirectoryHandle.open(dir) else { return [] }
        do {
            if let name = try JournalFile.names(in: handle).first { return [.unfinished(handle.child(name))] }
        } catch {
            return [.leftAlone(handle.child(OwnFiles.journal), "\(error)")]
        }
        var findings: [Finding] = []
        var names: [String] = []
        for name in [OwnFiles.lock, OwnFiles.reserve] {
            let path = handle.child(name)
            switch Result(catching: { () throws(SystemError) in try handle.status(name) }) {
            case .success(nil): continue
            case .success(.some(let st)) where st.kind != .regular:
                findings.append(.leftAlone(path, "not a regular file (\(st.kind))"))
            case .success(.some(let st)) where st.linkCount != 1 || st.uid != ProcessIdentity.effectiveUID:
                findings.append(.leftAlone(path, st.linkCount != 1 ? "it has \(st.linkCount) links" : "owned by uid \(st.uid), not by us"))
            case .success: names.append(name)
            case .failure(let error): findings.append(.leftAlone(path, "\(error)"))
            }
        }
        guard remove, !names.isEmpty else { return findings + names.map { .found(handle.child($0)) } }
        return findings + removing(names, in: handle)
    }

    /// Removes `names` under the directory's lock, taken at once or not at all; the lock file last,
    /// while held, so no run can be inside the directory when it goes.
    func removing(_ names: [String], in handle: DirectoryHandle) -> [Finding] {
        var lock: DirectoryLock? = nil
        if names.contains(OwnFiles.lock) {
            do {
                lock = try DirectoryLock.acquire(handle, wait: 0, logger: nil)
            } catch {
                switch error {
                case .busy, .nested, .journalInUse: return [.busy(handle.path, "\(error)")]
                default: return [.leftAlone(handle.child(OwnFiles.lock), "\(error)")]
                }
            }
        }
        defer { lock?.release() }
        // A run that finished between the first look and the lock may have left a journal to complete.
        if let name = ((try? JournalFile.names(in: handle)) ?? [OwnFiles.journal]).first { return [.unfinished(handle.child(name))] }
        var findings: [Finding] = []
        for name in [OwnFiles.reserve, OwnFiles.lock] where names.contains(name) {
            do {
                try handle.remove(name)
                findings.append(.removed(handle.child(name)))
            } catch {
                findings.append(.leftAlone(handle.child(name), "\(error)"))
            }
        }
        try? handle.sync()
        return findings
    }
}
