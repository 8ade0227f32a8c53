#if canImport(Glibc)
import Glibc
#endif

/// Which processes still write to a rotated file: nothing a writer holds is compressed or removed.
extension RunContext {
    /// A regular file to watch for writers, found once: its path, where it is, and its identity.
    struct WatchedFile {
        var path: String
        var dir: DirectoryHandle
        var name: String
        var key: FileKey
    }

    /// The regular files of `paths` that exist, each looked up once; a lookup that fails is a warning
    /// of `set` when one is given.
    func watched(_ paths: [String], reporting set: String? = nil) -> [WatchedFile] {
        paths.compactMap { path -> WatchedFile? in
            do throws(SystemError) {
                let (dir, name) = try directories.locate(path)
                guard let st = try dir.status(name), st.kind == .regular else { return nil }
                return WatchedFile(path: path, dir: dir, name: name, key: FileKey(st))
            } catch {
                if let set { emit(RunEvent(.warning, .writerStillOpen, set: set, "\(error)", path: path, system: error)) }
                return nil
            }
        }
    }

    /// Which of `paths` a process has open for writing, with the pids (see `openForWriting(_:)`).
    func openForWriting(_ paths: [String]) -> [String: String] {
        openForWriting(watched(paths))
    }

    /// Which of `files` a process has open for writing, with the pids: one scan of `/proc`, and for each
    /// file it did not show, a read lease tried on it (granted only when no process has it open for
    /// writing), which also sees the processes `/proc` hides from us (under `su`, another user's).
    func openForWriting(_ files: [WatchedFile]) -> [String: String] {
        guard !files.isEmpty else { return [:] }
        var named: [FileKey: [String]] = [:]
        for f in files { named[f.key, default: []].append(f.path) }
        var found: [String: String] = [:]
        for (key, writers) in OpenWriters.writers(of: Set(named.keys)) {
            let pids = Set(writers.map(\.pid)).sorted().map(String.init).joined(separator: ", ")
            for path in named[key] ?? [] { found[path] = pids }
        }
        for f in files where found[f.path] == nil {
            guard let fd = try? f.dir.openRegular(f.name, O_RDONLY) else { continue }
            if fd.isOpenForWriting() == true { found[f.path] = "not visible to uid \(ProcessIdentity.effectiveUID)" }
            _ = try? fd.close(path: f.path)
        }
        return found
    }

    /// Waits, for at most `timeout` seconds in all, until no other process has any of `paths` open for
    /// writing (one scan of `/proc` every 20 ms for all of them, each file looked up once); returns those
    /// still held.
    func waitForWriters(_ paths: [String], _ timeout: Double, _ set: String) -> Set<String> {
        let files = watched(paths, reporting: set)
        guard !files.isEmpty else { return [] }
        let deadline = monotonicNow() + timeout
        while true {
            let open = openForWriting(files)
            if open.isEmpty { break }
            if monotonicNow() >= deadline { return Set(open.keys) }
            sleepSeconds(0.02)
        }
        for path in paths { FaultInjection.point("writers closed \(path)") }
        return []
    }
}
