#if canImport(Glibc)
import Glibc
#endif

/// The copytruncate step: a lossless copy into a temporary name, renamed into place.
extension StepRunner {
    /// Copies and cuts `from` into `to`. A temporary copy found there is this rotation's only when a
    /// journal is replayed (`Leftovers.adopt`): it is kept if the live log no longer starts with it (its
    /// prefix was already cut), else redone; while rotating, anything found there is removed first.
    func copyTruncate(_ from: String, _ to: String, _ set: String) -> Bool {
        let step = Action.copyTruncate(from: from, to: to)
        do {
            let (dir, name) = try directories.locate(from)
            let (toDir, toName) = try directories.locate(to)
            if try toDir.status(toName) != nil { return true }
            let temp = DirectoryHandle.temporaryName(for: toName)
            if let st = try toDir.status(temp), st.kind != .regular || st.linkCount != 1 || leftovers == .distrust {
                // Not a copy of ours: a planted link (never opened), or any file found there outside the
                // replay of a journal (a crash's copy is adopted only by the replay, which runs first).
                try toDir.remove(temp)
            }
            if try toDir.status(temp) != nil {
                if try liveStartsWith(dir, name, toDir, temp) {
                    try toDir.remove(temp)
                } else {
                    try toDir.rename(temp, to: toDir, as: toName)
                    steps.markDirty(toDir.path)
                    emit(RunEvent(.recovery, set: set, "\(to): finished an interrupted copytruncate", path: from))
                    return true
                }
            }
            let result: CopyTruncateResult
            do {
                result = try CopyTruncate.perform(source: dir, name: name, destination: toDir, as: temp, logger: context.logger)
            } catch {
                emit(RunEvent(.error, error.code, set: set, "\(step.summary): \(error)", action: "copytruncate", path: from,
                              system: error.system))
                return false
            }
            FaultInjection.point("copytruncate copied and cut \(from)")
            try toDir.rename(temp, to: toDir, as: toName)
            steps.markDirty(toDir.path)
            emit(RunEvent(.action, set: set, step.summary + " (\(Bytes(result.bytesCopied)), \(result.method.summary))",
                          action: "copytruncate", path: from, target: to, bytesBefore: result.bytesCopied))
            if result.bytesAtRisk > 0 {
                emit(RunEvent(.warning, .bytesAtRisk, set: set, "\(from): the file system cannot collapse a range; up to \(Bytes(result.bytesAtRisk)) written during the truncate may be lost", path: from))
            }
            for w in result.warnings { emit(RunEvent(.warning, .copyProblem, set: set, "\(from): \(w)", path: from)) }
            FaultInjection.point(step.summary)
            return true
        } catch {
            emit(RunEvent(.error, .stepFailed, set: set, "\(step.summary): \(error)", action: "copytruncate", path: from, system: error))
            return false
        }
    }

    /// Whether the live log still begins with the whole temporary copy (compared piece by piece, never
    /// a prefix only): then the copy's bytes were not cut from it yet, and the copy is redundant.
    func liveStartsWith(_ dir: DirectoryHandle, _ name: String, _ toDir: DirectoryHandle, _ temp: String) throws(SystemError) -> Bool {
        let a = try toDir.openRegular(temp, O_RDONLY)
        defer { _ = try? a.close(path: toDir.child(temp)) }
        let b = try dir.openRegular(name, O_RDONLY)
        defer { _ = try? b.close(path: dir.child(name)) }
        var offset: Int64 = 0
        while true {
            let copied = try a.read(upTo: 1 << 20, at: offset, path: toDir.child(temp))
            if copied.isEmpty { return offset > 0 }
            let live = try b.read(upTo: copied.count, at: offset, path: dir.child(name))
            guard copied == live else { return false }
            offset += Int64(copied.count)
        }
    }
}
