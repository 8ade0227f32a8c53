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

    /// The regular files of `paths` that exist, each looked up once.
    func watched(_ paths: [String]) -> [WatchedFile] {
        paths.compactMap { path in
            guard let (dir, name) = try? directories.locate(path), let st = (try? dir.status(name)) ?? nil,
                  st.kind == .regular else { return nil }
            return WatchedFile(path: path, dir: dir, name: name, key: FileKey(st))
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
        var files: [WatchedFile] = []
        for path in paths {
            do {
                let (dir, name) = try directories.locate(path)
                guard let st = try dir.status(name), st.kind == .regular else { continue }
                files.append(WatchedFile(path: path, dir: dir, name: name, key: FileKey(st)))
            } catch {
                emit(RunEvent(.warning, .writerStillOpen, set: set, "\(error)", path: path, system: error))
            }
        }
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
