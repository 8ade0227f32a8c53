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

    /// Temporary name for a file being written in place of `name`: `.rotatectl-tmp.NAME` when that fits in
    /// NAME_MAX (255 bytes), else `.rotatectl-tmp.` + the first 64 bytes of the name (whole characters) +
    /// `.` + the FNV-1a 64 hash of all of it in hex. Deterministic, so recovery finds it by the same call.
    static func temporaryName(for name: String, prefix: String = ".rotatectl-tmp.") -> String {
        if prefix.utf8.count + name.utf8.count <= Planner.nameMax { return prefix + name }
        var kept = ""
        var bytes = 0
        for scalar in name.unicodeScalars {
            let n = String(scalar).utf8.count
            if bytes + n > 64 { break }
            kept.unicodeScalars.append(scalar)
            bytes += n
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return prefix + kept + "." + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Creates a temporary file `O_EXCL`; a stale one left by a crash is removed first, but only then
    /// (no failing unlink per file on the common path).
    static func createFresh(_ dir: DirectoryHandle, _ name: String) throws(SystemError) -> FileDescriptor {
        switch Result(catching: { () throws(SystemError) -> FileDescriptor in try dir.createExclusive(name) }) {
        case .success(let fd):
            return fd
        case .failure(let error):
            guard error.errno == .fileExists else { throw error }
            try dir.remove(name)
            return try dir.createExclusive(name)
        }
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

        case .copyTruncate, .compress, .notify, .awaitWriters, .capTotalSize:
            // Applied by the runner, which batches or coordinates them (see Runner+Finish).
            return .skipped("not a single step")
        }
    }

    /// Copies a file into a temporary name, syncs it, gives it the source's owner, mode and times,
    /// and renames it into place (never over an existing file).
    func copyFile(_ fromDir: DirectoryHandle, _ fromName: String, _ toDir: DirectoryHandle, _ toName: String) throws(SystemError) {
        let source = try fromDir.openRegular(fromName, O_RDONLY)
        defer { _ = try? source.close(path: fromDir.child(fromName)) }
        let temp = Self.temporaryName(for: toName)
        let dest = try Self.createFresh(toDir, temp)
        let destPath = toDir.child(temp)
        do throws(SystemError) {
            let st = try source.status(path: fromDir.child(fromName))
            var offset: Int64 = 0
            while true {
                let chunk = try source.read(upTo: 1 << 20, at: offset, path: fromDir.child(fromName))
                if chunk.isEmpty { break }
                try dest.writeAll(chunk, path: destPath)
                offset += Int64(chunk.count)
            }
            try applyMetadata(dest, from: st, path: destPath)
            try dest.sync(path: destPath)
            try dest.close(path: destPath)
        } catch {
            _ = try? dest.close(path: destPath)
            try? toDir.remove(temp)
            throw error
        }
        try toDir.rename(temp, to: toDir, as: toName)
        dirty.insert(toDir.path)
    }

    /// Owner (as root), mode and times of `st` on an open descriptor.
    func applyMetadata(_ fd: FileDescriptor, from st: FileStatus, path: String) throws(SystemError) {
        try Self.applyMetadata(fd, from: st, path: path, changeOwner: ProcessIdentity.effectiveUID == 0)
    }

    /// The same, with `fchown` only when `changeOwner` (the caller knows whether the new file already
    /// has the owner and group of `st`); `fchmod` after it, since `fchown` clears set-ID bits.
    static func applyMetadata(_ fd: FileDescriptor, from st: FileStatus, path: String, changeOwner: Bool) throws(SystemError) {
        if changeOwner { try fd.setOwner(uid: st.uid, gid: st.gid, path: path) }
        try fd.setMode(st.mode & 0o7777, path: path)
        try fd.setTimes(accessed: st.accessed, modified: st.modified, path: path)
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
