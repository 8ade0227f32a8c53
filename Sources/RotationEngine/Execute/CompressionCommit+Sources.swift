/// The sources of a compression batch: kept while a writer holds them or their output is not durable,
/// removed (or shredded) once it is.
extension CompressionCommit {
    /// `outputs` without those whose source another process still has open for writing (a writer that
    /// did not reopen, or ignored its signal): what it appends after the copy would go with the source.
    /// Their outputs are discarded and their sources kept, uncompressed, for a later run. One scan of
    /// `/proc` for all of them.
    func withoutHeldSources(_ outputs: [(CompressTask, CompressTask.Output)]) -> [(CompressTask, CompressTask.Output)] {
        guard !outputs.isEmpty else { return outputs }
        let open = context.openForWriting(outputs.map(\.0.source))
        guard !open.isEmpty else { return outputs }
        return outputs.filter { task, output in
            guard let pids = open[task.source] else { return true }
            task.discard(output)
            emit(RunEvent(.warning, .writerStillOpen, set: set, "\(task.source): still open for writing (pid \(pids)); left uncompressed, compressed on a later run",
                          action: "compress", path: task.source))
            return false
        }
    }

    /// One syncfs per file system of `outputs`; the errors of those that failed, by device.
    func syncFileSystems(_ outputs: [(CompressTask, CompressTask.Output)]) -> [UInt64: SystemError] {
        var done = Set<UInt64>()
        var failed: [UInt64: SystemError] = [:]
        for (task, output) in outputs where done.insert(output.status.device).inserted {
            do { try task.dir.syncFileSystem() } catch { failed[output.status.device] = error }
        }
        return failed
    }

    /// `outputs` without those on a file system whose sync failed: these are dropped and reported. An
    /// unnamed or temporary output is discarded; a named one stays next to its source, and the set's
    /// journal is kept (`Result.keepJournal`), so that the next run checks the output against its
    /// source, syncs it and only then removes the source.
    func dropUnsynced(_ outputs: [(CompressTask, CompressTask.Output)], _ failed: [UInt64: SystemError]) -> [(CompressTask, CompressTask.Output)] {
        guard !failed.isEmpty else { return outputs }
        return outputs.filter { task, output in
            guard let error = failed[output.status.device] else { return true }
            let named = output.file == nil && output.temp == nil
            task.discard(output)
            if named { keepJournal = true }
            emit(RunEvent(.error, .syncFailed, set: set, "\(task.step.summary): \(error); source kept" + (named
                          ? " next to \(task.dest), which the next run checks and syncs before removing it" : ", retried next run"),
                          action: "compress", path: task.source, system: error))
            results[task.index] = false
            return false
        }
    }

    /// Removes the sources of outputs whose names are durable (shredding them first when configured;
    /// the unlinks side by side, see `DirectoryHandle.removeAll`) and reports each compression.
    func removeSources(_ outputs: [(CompressTask, CompressTask.Output)]) {
        var removing: [(CompressTask, CompressTask.Output)] = []
        var shredded: [(CompressTask, CompressTask.Output)] = []
        for (task, output) in outputs where results[task.index] {
            guard let config, config.shred else {
                removing.append((task, output))
                continue
            }
            if let failure = runner.shredAway(task.source, config, set) {
                emit(RunEvent(.error, failure.code, set: set, "\(failure); kept next to its compressed copy",
                              action: "compress", path: task.source, system: failure.system))
                continue
            }
            shredded.append((task, output))
        }
        let errors = DirectoryHandle.removeAll(removing.map { ($0.0.srcDir, $0.0.srcName) })
        for ((task, output), error) in zip(removing, errors) + shredded.map({ ($0, nil) }) {
            context.steps.markDirty(task.srcDir.path)
            if let error {
                emit(RunEvent(.error, .compressFailed, set: set, "\(error)", action: "compress", path: task.source, system: error))
                continue
            }
            let stats = output.stats
            let said = String(stats.messages.reversed().drop(while: { $0 == "\n" || $0 == " " }).reversed())
            if !said.isEmpty {
                emit(RunEvent(.warning, .compressorMessage, set: set, "\(task.source): the compress command wrote on its standard error: \(said)",
                              path: task.source))
            }
            emit(RunEvent(.action, set: set, "\(task.step.summary) (\(Bytes(stats.bytesIn)) -> \(Bytes(stats.bytesOut)))",
                          action: "compress", path: task.source, target: task.dest, bytesBefore: stats.bytesIn,
                          bytesAfter: stats.bytesOut, seconds: monotonicNow() - started))
        }
    }
}
