#if canImport(Glibc)
import Glibc
#endif

/// `shred`: files overwritten before they are unlinked, never left half-overwritten under a log's name.
extension StepRunner {
    /// Overwrites a file with `shred [-n N] -` on its descriptor (as standard output) and unlinks it, as
    /// logrotate does, refusing a file with several hard links unless `allowhardlink`. The file is first
    /// renamed to its shred name (`shredName`), so that a run killed while shredding never leaves
    /// half-overwritten bytes under a generation's name (beside its compressed copy, whose source would
    /// then no longer match it); the next run's replay finishes it (`finishInterruptedShred`). Nil when
    /// the file is gone (or was never there), else why it was kept.
    func shredAway(_ path: String, inode: UInt64 = 0, _ config: LogSetConfig, _ set: String = "") -> RotationError? {
        do {
            let (dir, name) = try directories.locate(path)
            guard let st = try dir.status(name), st.kind == .regular, inode == 0 || st.inode == inode else { return nil }
            if st.linkCount != 1 && !config.allowHardlink {
                return RotationError(.shredRefused, path: path, "not shredded: it has \(st.linkCount) hard links (allowhardlink not set)")
            }
            let shredding = Self.shredName(for: name)
            if try dir.status(shredding) != nil { try dir.remove(shredding) }
            try dir.rename(name, to: dir, as: shredding)
            steps.markDirty(dir.path)
            FaultInjection.point("renamed for shred \(path)")
            return shredAndRemove(dir, shredding, config, set)
        } catch {
            return RotationError(.shredFailed, error)
        }
    }

    /// Overwrites `name` in `dir` with shred(1) and unlinks it; nil when it is gone. A file that cannot be
    /// overwritten (under `su`, one the user may not write) is unlinked all the same with a warning, as
    /// logrotate does: kept, it would stop the log's rotation for good.
    func shredAndRemove(_ dir: DirectoryHandle, _ name: String, _ config: LogSetConfig, _ set: String) -> RotationError? {
        let failure: String?
        do {
            let fd = try dir.openRegular(name, O_WRONLY)
            defer { _ = try? fd.close(path: dir.child(name)) }
            let cycles = config.shredCycles.map { ["-n", String($0)] } ?? []
            let result = try ChildProcess.run(["shred"] + cycles + ["-"], stdout: fd.rawValue)   // shred's "-" is standard output
            failure = result.succeeded ? nil : "shred \(result)"
        } catch {
            failure = "shred: \(error)"
        }
        if let failure {
            emit(RunEvent(.warning, .shredFailed, set: set, "\(dir.child(name)): \(failure); removed without shredding", path: dir.child(name)))
        } else {
            FaultInjection.point("shredded \(dir.child(name))")
        }
        do {
            try dir.remove(name)
        } catch {
            return RotationError(.shredFailed, error)
        }
        steps.markDirty(dir.path)
        return nil
    }

    /// The name a file is shredded under: as its temporary name, with `.rotatectl-shred.` for a prefix
    /// (within NAME_MAX the same way).
    static func shredName(for name: String) -> String {
        DirectoryHandle.temporaryName(for: name, prefix: ".rotatectl-shred.")
    }

    /// After a replayed step that removes `path` (a compressed source, a dropped generation): a file a
    /// crash left under its shred name is shredded (or, without `shred` in the journal, removed) now.
    func finishInterruptedShred(_ path: String, _ config: LogSetConfig, _ set: String) {
        guard let (dir, name) = try? directories.locate(path) else { return }
        let shredding = Self.shredName(for: name)
        guard let st = (try? dir.status(shredding)) ?? nil, st.kind == .regular else { return }
        let failure: RotationError?
        if config.shred {
            failure = shredAndRemove(dir, shredding, config, set)
        } else {
            do { try dir.remove(shredding); failure = nil } catch { failure = RotationError(.shredFailed, error) }
        }
        if let failure {
            emit(RunEvent(.error, set: set, failure))
        } else {
            emit(RunEvent(.recovery, set: set, "\(path): finished an interrupted shred", path: path))
        }
    }
}
