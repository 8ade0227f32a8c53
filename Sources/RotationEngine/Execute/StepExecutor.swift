#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage

/// Applies the file-system steps of a plan with system calls relative to directory descriptors. Each
/// step first looks whether the file system already shows it done, so replaying a journal after a
/// crash finishes the job without overwriting, duplicating or losing anything.
final class StepExecutor {
    let directories: DirectoryCache
    let logger: Logger?
    /// Directories changed since their last fsync.
    private(set) var dirty = Set<String>()

    init(directories: DirectoryCache, logger: Logger?) {
        self.directories = directories
        self.logger = logger
    }

    /// Applies one step, or finds it done or moot; a failed system call is thrown.
    func apply(_ action: Action) throws(SystemError) -> StepOutcome {
        switch action {
        case .rename(let from, let to, let inode):
            let (fromDir, fromName) = try directories.locate(from)
            let (toDir, toName) = try directories.locate(to)
            // The common case costs one fstatat and the rename; the target is looked at only when the
            // source is gone or the rename meets an existing name (RENAME_NOREPLACE never overwrites).
            if let source = try fromDir.status(fromName), inode == 0 || source.inode == inode {
                switch Result(catching: { () throws(SystemError) in try fromDir.rename(fromName, to: toDir, as: toName) }) {
                case .success:
                    dirty.insert(fromDir.path); dirty.insert(toDir.path)
                    return .done
                case .failure(let error):
                    guard error.errno == .fileExists else { throw error }
                    return .skipped("\(to) already exists; never overwritten")
                }
            }
            let target = try toDir.status(toName)
            let current = try fromDir.status(fromName)
            if let target, target.inode == inode || (inode == 0 && current == nil) {
                return .alreadyDone
            }
            if current == nil { return .skipped("\(from) no longer exists") }
            return .skipped("\(from) was replaced by another file")

        case .create(let path, let mode, let uid, let gid):
            let (dir, name) = try directories.locate(path)
            if try dir.status(name) != nil { return .alreadyDone }
            let fd = try dir.createExclusive(name)
            do throws(SystemError) {
                if ProcessIdentity.effectiveUID == 0 { try fd.setOwner(uid: uid, gid: gid, path: path) }
                try fd.setMode(mode, path: path)
                try fd.close(path: path)
            } catch {
                _ = try? fd.close(path: path)
                throw error
            }
            dirty.insert(dir.path)
            return .done

        case .makeDirectory(let path, let mode, let uid, let gid):
            let (parent, name) = try directories.locate(path)
            if let st = try parent.status(name) {
                return st.kind == .directory ? .alreadyDone : .skipped("\(path) exists and is not a directory")
            }
            try parent.makeDirectory(name, mode: 0o700)
            directories.forget(path)
            let dir = try directories.handle(path)
            let fd = FileDescriptor(rawValue: dir.fd)
            if ProcessIdentity.effectiveUID == 0, uid != nil || gid != nil {
                try fd.setOwner(uid: uid ?? UInt32.max, gid: gid ?? UInt32.max, path: path)
            }
            try fd.setMode(mode, path: path)
            try parent.sync()
            return .done

        case .remove(let path, let inode, _):
            let (dir, name) = try directories.locate(path)
            guard let st = try dir.status(name) else { return .alreadyDone }
            if inode != 0 && st.inode != inode { return .skipped("\(path) was replaced by another file; kept") }
            try dir.remove(name)
            dirty.insert(dir.path)
            return .done

        case .copy(let from, let to):
            let (fromDir, fromName) = try directories.locate(from)
            let (toDir, toName) = try directories.locate(to)
            if try toDir.status(toName) != nil { return .alreadyDone }
            try copyFile(fromDir, fromName, toDir, toName)
            return .done

        case .copyTruncate, .compress, .notify, .awaitWriters, .capTotalSize, .mail:
            // Applied by the runner, which batches or coordinates them (see Runner+Finish).
            return .skipped("not a single step")
        }
    }

    /// Copies a file into a temporary name (its holes kept: a sparse log's copy is as sparse), syncs it,
    /// gives it the source's owner, mode and times, and renames it into place (never over an existing
    /// file): `writeDurably`, the directory synced later with the unit's other changes. A stale
    /// temporary copy a crash left is removed first.
    func copyFile(_ fromDir: DirectoryHandle, _ fromName: String, _ toDir: DirectoryHandle, _ toName: String) throws(SystemError) {
        let source = try fromDir.openRegular(fromName, O_RDONLY)
        let sourcePath = fromDir.child(fromName)
        defer { _ = try? source.close(path: sourcePath) }
        let temp = DirectoryHandle.temporaryName(for: toName)
        if try toDir.status(temp) != nil { try toDir.remove(temp) }
        try toDir.writeDurably(toName, mode: nil, temporary: .fixed(temp), replace: false, syncDirectory: false) { dest, destPath throws(SystemError) in
            let st = try source.status(path: sourcePath)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
            defer { buffer.deallocate() }
            // Up to the size seen now: what a writer appends meanwhile stays in the source, for the next
            // rotation. A source cut shorter meanwhile (by another process) gives a copy that ends where it does.
            if !(try source.copyData(0..<st.size, to: dest, path: sourcePath, destinationPath: destPath, buffer: buffer)) {
                try dest.truncate(to: min(st.size, try source.status(path: sourcePath).size), path: destPath)
            }
            try dest.copyMetadata(from: st, path: destPath, changeOwner: ProcessIdentity.effectiveUID == 0)
        }
        dirty.insert(toDir.path)
    }

    /// fsyncs every directory changed since the last call: one sync per directory per group of steps.
    func syncDirectories() throws(SystemError) {
        for path in dirty.sorted() {
            try directories.handle(path).sync()
        }
        dirty.removeAll()
    }

    func markDirty(_ path: String) { dirty.insert(path) }
}
