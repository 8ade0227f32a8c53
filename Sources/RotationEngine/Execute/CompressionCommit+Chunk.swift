#if canImport(Glibc)
import Glibc
#endif

extension CompressionCommit {
    /// Commits one chunk of a compression batch, in order: reports what the workers could not do, syncs
    /// the outputs (one `syncfs` per file system, or the workers' fsyncs), names them, and removes the
    /// sources whose outputs' names are durable. A renamed temporary file is durable once its directory is
    /// synced; a linked anonymous file's new link count lives in its inode, which a directory fsync does
    /// not write everywhere (ext4 without a journal), so its source waits in `linked` for the next chunk's
    /// syncfs (or the batch's last one), which covers both.
    func commitChunk(_ tasks: [CompressTask], _ outcomes: [CompressTask.Outcome], groupSync: Bool) {
        var written: [(CompressTask, CompressTask.Output)] = []
        for (task, outcome) in zip(tasks, outcomes) {
            let i = task.index
            switch outcome {
            case .alreadyDone:
                continue
            case .destinationExists(let existing):
                if existing.kind == .regular && runner.leftovers == .adopt {
                    if adoptOutput(task) { continue }
                } else {
                    reportExisting(task)
                }
                results[i] = false
            case .sourceGone:
                emit(RunEvent(.warning, .sourceGone, set: set, "\(task.source): gone before it could be compressed", path: task.source))
            case .cancelled:
                results[i] = false   // its log was not rotated, which was reported then
            case .failed(let message):
                emit(RunEvent(.error, .compressFailed, set: set, message, action: "compress", path: task.source))
                results[i] = false
            case .written(let output):
                written.append((task, output))
            }
        }
        written = withoutHeldSources(written)
        if groupSync {
            let failed = syncFileSystems(written + linked)
            written = dropUnsynced(written, failed)
            let durable = dropUnsynced(linked, failed)
            linked = []
            FaultInjection.point("compressed outputs synced")
            if !durable.isEmpty {
                removeSources(durable)
                FaultInjection.point("compressed sources removed")
            }
        } else {
            FaultInjection.point("compressed outputs synced")
        }
        var renamed: [(CompressTask, CompressTask.Output)] = []
        for (task, output) in written {
            do {
                if let file = output.file {
                    try task.dir.link(file, as: task.destName)
                    _ = try? file.close(path: task.dest)
                    linked.append((task, CompressTask.Output(file: nil, temp: nil, status: output.status, stats: output.stats)))
                } else if let temp = output.temp {
                    try task.dir.rename(temp, to: task.dir, as: task.destName)
                    context.steps.markDirty(task.dir.path)
                    renamed.append((task, output))
                }
            } catch {
                task.discard(output)
                emit(RunEvent(.error, .compressFailed, set: set, "\(task.step.summary): \(error)", action: "compress", path: task.source, system: error))
                results[task.index] = false
            }
        }
        if !renamed.isEmpty { context.syncChanged(set) }
        FaultInjection.point("compressed outputs renamed")
        if !renamed.isEmpty {
            removeSources(renamed)
            FaultInjection.point("compressed sources removed")
        }
    }

    /// Both the source and the output exist, which after a crash between naming the output and removing
    /// the source means the output is complete. Anything else there (a planted file, a link, a
    /// stranger's copy) is never trusted: while replaying a journal, the source is removed only if the
    /// output's gzip trailer carries the source's CRC-32 and size, or the output's zstd frames decompress
    /// to the source; otherwise both are kept, reported.
    /// Whether the output was adopted.
    func adoptOutput(_ task: CompressTask) -> Bool {
        do {
            if try CompressedOutputCheck.matches(task.dir, task.destName, source: task.srcDir, task.srcName) {
                // It may never have reached the disk (killed before its group's syncfs, or that syncfs
                // failed): it and its name are made durable before the source goes.
                let gz = try task.dir.openRegular(task.destName, O_RDONLY)
                defer { _ = try? gz.close(path: task.dest) }
                try gz.sync(path: task.dest)
                try task.dir.sync()
                try task.srcDir.remove(task.srcName)
                context.steps.markDirty(task.srcDir.path)
                return true
            }
            reportExisting(task)
        } catch {
            emit(RunEvent(.error, .compressFailed, set: set, "\(task.step.summary): \(error)", action: "compress", path: task.source, system: error))
        }
        return false
    }

    func reportExisting(_ task: CompressTask) {
        emit(RunEvent(.error, .outputExists, set: set, "\(task.step.summary): \(task.dest) already exists and is not this file compressed; both kept",
                      action: "compress", path: task.source))
    }
}
