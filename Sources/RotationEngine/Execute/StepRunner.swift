#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Applies steps of a plan or of a journal and reports each once: a rename, a creation, a copy through
/// `StepExecutor`; a copytruncate, a compression, a removal, a writer signal, a size cap by itself.
struct StepRunner: RunPart {
    /// What to make of what an earlier, interrupted run left behind (a copytruncate's temporary copy, a
    /// compressed output beside its source, a step the file system shows moot).
    enum Leftovers {
        /// Rotating: nothing found is this rotation's work; a moot step is worth a warning.
        case distrust
        /// Replaying a journal: what the crashed run made is adopted once checked; moot steps are expected.
        case adopt
    }

    let context: RunContext
    let leftovers: Leftovers
    var steps: StepExecutor { context.steps }

    /// Applies one step, reports it, and returns whether the unit may go on.
    @discardableResult
    func perform(_ step: Action, _ set: String, _ config: LogSetConfig?) -> Bool {
        let started = monotonicNow()
        switch step {
        case .compress:
            return compressBatch([step], set, config).results.first ?? false
        case .copyTruncate(let from, let to):
            return copyTruncate(from, to, set)
        case .notify(let pidFiles, let signal):
            for outcome in WriterNotifier.notify(pidFiles: pidFiles, signal: signal, logOwners: context.logOwners(config), logger: context.logger) {
                let message = "\(outcome.pidFile): \(outcome)"
                if case .live = outcome.result {
                    emit(RunEvent(.action, set: set, message, action: "signal", path: outcome.pidFile))
                } else {
                    emit(RunEvent(.warning, .signalProblem, set: set, message, path: outcome.pidFile))
                }
            }
            FaultInjection.point("signalled")
            return true
        case .capTotalSize(let generations, let cap):
            capTotalSize(generations, cap, set, config)
            return true
        case .awaitWriters:
            return true
        case .remove(let path, let inode, _) where config?.shred == true:
            if let config, let failure = shredAway(path, inode: inode, config) {
                emit(RunEvent(.error, failure.code, set: set, "\(failure); kept", action: "remove", path: path, system: failure.system))
                return false
            }
            emit(RunEvent(.action, set: set, step.summary + " (shredded)", action: step.kindName, path: path,
                          seconds: monotonicNow() - started))
            FaultInjection.point(step.summary)
            return true
        default:
            break
        }
        do {
            switch try steps.apply(step) {
            case .done:
                emit(RunEvent(.action, set: set, step.summary, action: step.kindName, path: step.primaryPath,
                              target: step.targetPath, seconds: monotonicNow() - started))
            case .alreadyDone:
                if options.verbose { emit(RunEvent(.decision, set: set, "\(step.summary): already done")) }
            case .skipped(let why):
                reportSkipped(step, why, set)
            }
            FaultInjection.point(step.summary)
            return true
        } catch {
            emit(RunEvent(.error, .stepFailed, set: set, "\(error)", action: step.kindName, path: step.primaryPath, system: error))
            return false
        }
    }

    /// A step the file system shows moot (its file gone or replaced): a warning while rotating, a
    /// decision (`-v`) while replaying, where it is what a crash leaves.
    func reportSkipped(_ step: Action, _ why: String, _ set: String) {
        switch leftovers {
        case .distrust:
            emit(RunEvent(.warning, .stepSkipped, set: set, "\(step.summary): skipped: \(why)", action: step.kindName, path: step.primaryPath))
        case .adopt:
            if options.verbose { emit(RunEvent(.decision, set: set, "\(step.summary): not replayed: \(why)")) }
        }
    }

    /// Consecutive `.remove` steps (generations that retention drops), each checked as
    /// `StepExecutor.apply` does (gone: done; another inode: kept), then unlinked side by side
    /// (`DirectoryHandle.removeAll`), and reported in order.
    func removeAll(_ batch: [Action], _ set: String, _ config: LogSetConfig) {
        guard batch.count > 1 else {
            for step in batch { perform(step, set, config) }
            return
        }
        let started = monotonicNow()
        var removing: [(Action, DirectoryHandle, String)] = []
        for step in batch {
            guard case .remove(let path, let inode, _) = step else { continue }
            do {
                let (dir, name) = try directories.locate(path)
                guard let st = try dir.status(name) else {
                    if options.verbose { emit(RunEvent(.decision, set: set, "\(step.summary): already done")) }
                    continue
                }
                if inode != 0 && st.inode != inode {
                    reportSkipped(step, "\(path) was replaced by another file; kept", set)
                    continue
                }
                removing.append((step, dir, name))
            } catch {
                emit(RunEvent(.error, .stepFailed, set: set, error.description, action: step.kindName, path: step.primaryPath, system: error))
            }
        }
        let errors = DirectoryHandle.removeAll(removing.map { ($0.1, $0.2) })
        for ((step, dir, _), error) in zip(removing, errors) {
            steps.markDirty(dir.path)
            if let error {
                emit(RunEvent(.error, .stepFailed, set: set, error.description, action: step.kindName, path: step.primaryPath, system: error))
                continue
            }
            emit(RunEvent(.action, set: set, step.summary, action: step.kindName, path: step.primaryPath,
                          target: step.targetPath, seconds: monotonicNow() - started))
            FaultInjection.point(step.summary)
        }
    }

    /// `maxtotalsize`: drops the oldest generations until the kept ones fit.
    func capTotalSize(_ generations: [String], _ cap: Int64, _ set: String, _ config: LogSetConfig?) {
        var sizes: [(String, FileStatus)] = []
        for path in generations {
            if let (dir, name) = try? directories.locate(path), let st = try? dir.status(name) { sizes.append((path, st)) }
        }
        var total = sizes.reduce(Int64(0)) { $0 + $1.1.size }
        while total > cap, sizes.count > 1, let (path, st) = sizes.popLast() {
            perform(.remove(path: path, inode: st.inode, reason: "set over maxtotalsize \(Bytes(cap))"), set, config)
            total -= st.size
        }
    }

    /// Compresses `batch` (see `CompressionCommit`) and commits it.
    func compressBatch(_ batch: [Action], _ set: String, _ config: LogSetConfig?) -> CompressionCommit.Result {
        let commit = CompressionCommit(runner: self, set: set, config: config)
        return commit.commit(commit.start(batch, gated: false))
    }
}
