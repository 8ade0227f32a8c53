#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage

extension Runner {
    /// Applies one step, reports it, and returns whether the unit may go on.
    @discardableResult
    func perform(_ step: Action, _ set: String, _ config: LogSetConfig?) -> Bool {
        let started = monotonicNow()
        switch step {
        case .compress:
            return compressBatch([step], set, config).first ?? false
        case .copyTruncate(let from, let to):
            return copyTruncate(from, to, set)
        case .notify(let pidFiles, let signal):
            for outcome in WriterNotifier.notify(pidFiles: pidFiles, signal: signal, logOwners: logOwners(config), logger: logger) {
                let message = "\(outcome.pidFile): \(outcome)"
                if case .live = outcome.result {
                    emit(RunEvent(.action, set: set, message, action: "signal", path: outcome.pidFile))
                } else {
                    emit(RunEvent(.warning, set: set, message, path: outcome.pidFile))
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
            if let config, let failure = shredAway(path, inode: inode, config, set) {
                emit(RunEvent(.error, set: set, "\(path): \(failure); kept", action: "remove", path: path))
                setFailed = true
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
            case .skipped(let why) where recovering:
                if options.verbose { emit(RunEvent(.decision, set: set, "\(step.summary): not replayed: \(why)")) }
            case .skipped(let why):
                emit(RunEvent(.warning, set: set, "\(step.summary): skipped: \(why)", action: step.kindName, path: step.primaryPath))
            }
            FaultInjection.point(step.summary)
            return true
        } catch {
            emit(RunEvent(.error, set: set, error.message, action: step.kindName, path: step.primaryPath))
            setFailed = true
            return false
        }
    }

    /// After every unit's renames: signal the writers once, wait for them to let go of the rotated files,
    /// compress in parallel, then remove what retention drops. `started`: the set's compression, begun
    /// during the renames (`EarlyCompression`), which is committed here instead.
    func finish(_ units: [RotationUnit], _ plan: SetPlan, _ config: LogSetConfig, keeping vetoed: Set<String>,
                started: CompressionBatch? = nil) {
        guard !units.isEmpty else {
            if let started { _ = commitCompression(started, plan.name, config) }   // its workers wait for it
            return
        }
        if let n = plan.notify { perform(n, plan.name, config) }
        var compress: [Action] = []
        var rest: [Action] = []
        // Every log's writers at once, for one reopen timeout in all.
        let awaited = units.flatMap(\.logs).flatMap(\.finishSteps).compactMap { step -> String? in
            if case .awaitWriters(let path) = step { return path }
            return nil
        }
        var held = waitForWriters(awaited, config.reopenTimeout, plan.name)
        for log in units.flatMap(\.logs) {
            for step in log.finishSteps {
                switch step {
                case .awaitWriters:
                    continue
                case .compress where started != nil:
                    continue
                case .compress(let source, _):
                    if held.contains(source) {
                        emit(RunEvent(.warning, set: plan.name, "\(source): a writer still has it open after \(config.reopenTimeout) s; left uncompressed, compressed on a later run", path: source))
                    } else {
                        compress.append(step)
                    }
                case .remove(let path, _, _) where vetoed.contains(path) || held.contains(path):
                    continue
                case .copy(let from, let to) where held.contains(from):
                    // renamecopy: what a writer still appends to is neither copied nor removed.
                    emit(RunEvent(.warning, set: plan.name, "\(from): a writer still has it open after \(config.reopenTimeout) s; not copied to \(to), kept", path: from))
                    held.insert(to)
                case .copy(let from, let to):
                    // renamecopy: the copy is what gets compressed; if it could not be made, the renamed
                    // file is all there is, and is kept where it is (never removed after a failed copy).
                    if !perform(step, plan.name, config) {
                        held.insert(from)
                        held.insert(to)
                    }
                default:
                    rest.append(step)
                }
            }
        }
        if let started {
            _ = commitCompression(started, plan.name, config)
        } else if !compress.isEmpty {
            _ = compressBatch(compress, plan.name, config)
        }
        // Retention never removes a generation a process still writes to (a writer that never reopened):
        // it is kept, and dropped by a later run once it is let go.
        let generations = rest.compactMap { step -> String? in
            if case .remove(let path, let inode, _) = step, inode != 0 { return path }
            return nil
        }
        let written = openForWriting(generations, plan.name)
        var removals: [Action] = []
        for step in rest {
            if case .remove(let path, _, _) = step, written[path] != nil {
                emit(RunEvent(.warning, set: plan.name, "\(path): still open for writing (pid \(written[path] ?? "")); not removed, dropped by a later run", path: path))
                continue
            }
            if case .remove = step, !config.shred {
                removals.append(step)
                continue
            }
            removeAll(removals, plan.name, config)
            removals = []
            perform(step, plan.name, config)
        }
        removeAll(removals, plan.name, config)
        syncChanged(plan.name)
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
                    let why = "\(path) was replaced by another file; kept"
                    if recovering {
                        if options.verbose { emit(RunEvent(.decision, set: set, "\(step.summary): not replayed: \(why)")) }
                    } else {
                        emit(RunEvent(.warning, set: set, "\(step.summary): skipped: \(why)", action: step.kindName, path: step.primaryPath))
                    }
                    continue
                }
                removing.append((step, dir, name))
            } catch {
                emit(RunEvent(.error, set: set, error.description, action: step.kindName, path: step.primaryPath))
                setFailed = true
            }
        }
        let errors = DirectoryHandle.removeAll(removing.map { ($0.1, $0.2) })
        for ((step, dir, _), error) in zip(removing, errors) {
            steps.markDirty(dir.path)
            if let error {
                emit(RunEvent(.error, set: set, error.description, action: step.kindName, path: step.primaryPath))
                setFailed = true
                continue
            }
            emit(RunEvent(.action, set: set, step.summary, action: step.kindName, path: step.primaryPath,
                          target: step.targetPath, seconds: monotonicNow() - started))
            FaultInjection.point(step.summary)
        }
    }

    /// `shred`: overwrites a file with `shred [-n N] -` on its descriptor (as standard output) and unlinks
    /// it, as logrotate does, refusing a file with several hard links unless `allowhardlink`. The file is
    /// first renamed to its shred name (`shredName`), so that a run killed while shredding never leaves
    /// half-overwritten bytes under a generation's name (beside its compressed copy, whose source would
    /// then no longer match it); the next run's replay finishes it (`finishInterruptedShred`). Nil when
    /// the file is gone (or was never there), else why it was kept.
    func shredAway(_ path: String, inode: UInt64 = 0, _ config: LogSetConfig, _ set: String) -> String? {
        do {
            let (dir, name) = try directories.locate(path)
            guard let st = try dir.status(name), st.kind == .regular, inode == 0 || st.inode == inode else { return nil }
            if st.linkCount != 1 && !config.allowHardlink {
                return "not shredded: it has \(st.linkCount) hard links (allowhardlink not set)"
            }
            let shredding = Self.shredName(for: name)
            if try dir.status(shredding) != nil { try dir.remove(shredding) }
            try dir.rename(name, to: dir, as: shredding)
            steps.markDirty(dir.path)
            FaultInjection.point("renamed for shred \(path)")
            return shredAndRemove(dir, shredding, config, set)
        } catch {
            return "shred: \(error)"
        }
    }

    /// Overwrites `name` in `dir` with shred(1) and unlinks it; nil when it is gone. A file that cannot be
    /// overwritten (under `su`, one the user may not write) is unlinked all the same with a warning, as
    /// logrotate does: kept, it would stop the log's rotation for good.
    func shredAndRemove(_ dir: DirectoryHandle, _ name: String, _ config: LogSetConfig, _ set: String = "") -> String? {
        let failure: String?
        do {
            let fd = try dir.openRegular(name, O_WRONLY)
            defer { _ = try? fd.close() }
            let cycles = config.shredCycles.map { ["-n", String($0)] } ?? []
            let result = try ChildProcess.run(["shred"] + cycles + ["-"], stdout: fd.rawValue)   // shred's "-" is standard output
            failure = result.succeeded ? nil : "shred \(result)"
        } catch {
            failure = "shred: \(error)"
        }
        if let failure {
            emit(RunEvent(.warning, set: set, "\(dir.child(name)): \(failure); removed without shredding", path: dir.child(name)))
        } else {
            FaultInjection.point("shredded \(dir.child(name))")
        }
        do {
            try dir.remove(name)
        } catch {
            return "\(error)"
        }
        steps.markDirty(dir.path)
        return nil
    }

    /// The name a file is shredded under: as its temporary name, with `.rotatectl-shred.` for a prefix
    /// (within NAME_MAX the same way).
    static func shredName(for name: String) -> String {
        StepExecutor.temporaryName(for: name, prefix: ".rotatectl-shred.")
    }

    /// After a replayed step that removes `path` (a compressed source, a dropped generation): a file a
    /// crash left under its shred name is shredded (or, without `shred` in the journal, removed) now.
    func finishInterruptedShred(_ path: String, _ config: LogSetConfig, _ set: String) {
        guard let (dir, name) = try? directories.locate(path) else { return }
        let shredding = Self.shredName(for: name)
        guard let st = (try? dir.status(shredding)) ?? nil, st.kind == .regular else { return }
        let failure: String?
        if config.shred {
            failure = shredAndRemove(dir, shredding, config, set)
        } else {
            failure = (try? dir.remove(shredding)) == nil ? "could not remove it" : nil
        }
        if let failure {
            emit(RunEvent(.error, set: set, "\(dir.child(shredding)): \(failure)", path: path))
            setFailed = true
        } else {
            emit(RunEvent(.recovery, set: set, "\(path): finished an interrupted shred", path: path))
        }
    }

    /// Which of `paths` a process has open for writing, with the pids: one scan of `/proc`, and for each
    /// file it did not show, a read lease tried on it (granted only when no process has it open for
    /// writing), which also sees the processes `/proc` hides from us (under `su`, another user's).
    func openForWriting(_ paths: [String], _ set: String) -> [String: String] {
        var named: [FileKey: [String]] = [:]
        var located: [String: (DirectoryHandle, String)] = [:]
        for path in paths {
            guard let (dir, name) = try? directories.locate(path), let st = (try? dir.status(name)) ?? nil,
                  st.kind == .regular else { continue }
            named[FileKey(st), default: []].append(path)
            located[path] = (dir, name)
        }
        guard !named.isEmpty else { return [:] }
        var found: [String: String] = [:]
        for (key, writers) in OpenWriters.writers(of: Set(named.keys)) {
            let pids = Set(writers.map(\.pid)).sorted().map(String.init).joined(separator: ", ")
            for path in named[key] ?? [] { found[path] = pids }
        }
        for (path, (dir, name)) in located where found[path] == nil {
            guard let fd = try? dir.openRegular(name, O_RDONLY) else { continue }
            if fd.isOpenForWriting() == true { found[path] = "not visible to uid \(geteuid())" }
            _ = try? fd.close()
        }
        return found
    }

    /// Waits, for at most `timeout` seconds in all, until no other process has any of `paths` open for
    /// writing (one scan of `/proc` every 20 ms for all of them); returns those still held.
    func waitForWriters(_ paths: [String], _ timeout: Double, _ set: String) -> Set<String> {
        var named: [FileKey: [String]] = [:]
        for path in paths {
            do {
                let (dir, name) = try directories.locate(path)
                guard let st = try dir.status(name) else { continue }
                named[FileKey(st), default: []].append(path)
            } catch {
                emit(RunEvent(.warning, set: set, "\(error)"))
            }
        }
        guard !named.isEmpty else { return [] }
        let waiting = named.values.flatMap { $0 }
        let deadline = monotonicNow() + timeout
        while true {
            let open = openForWriting(waiting, set)
            if open.isEmpty { break }
            if monotonicNow() >= deadline { return Set(open.keys) }
            sleepSeconds(0.02)
        }
        for path in paths { FaultInjection.point("writers closed \(path)") }
        return []
    }

    /// Lossless copytruncate into a temporary name, then renamed into place. A temporary copy left by a
    /// crash is kept if the live log no longer starts with it (its prefix was already cut), else redone.
    func copyTruncate(_ from: String, _ to: String, _ set: String) -> Bool {
        let step = Action.copyTruncate(from: from, to: to)
        do {
            let (dir, name) = try directories.locate(from)
            let (toDir, toName) = try directories.locate(to)
            if try toDir.status(toName) != nil { return true }
            let temp = StepExecutor.temporaryName(for: toName)
            if let st = try toDir.status(temp), st.kind != .regular || st.linkCount != 1 || !recovering {
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
            let result = try CopyTruncate.perform(source: dir, name: name, destination: toDir, as: temp, logger: logger)
            FaultInjection.point("copytruncate copied and cut \(from)")
            try toDir.rename(temp, to: toDir, as: toName)
            steps.markDirty(toDir.path)
            emit(RunEvent(.action, set: set, step.summary + " (\(Bytes(result.bytesCopied)), \(result.method == .collapse ? "collapse-range: nothing at risk" : "truncate"))",
                          action: "copytruncate", path: from, target: to, bytesBefore: result.bytesCopied))
            if result.bytesAtRisk > 0 {
                emit(RunEvent(.warning, set: set, "\(from): the file system cannot collapse a range; up to \(Bytes(result.bytesAtRisk)) written during the truncate may be lost", path: from))
            }
            for w in result.warnings { emit(RunEvent(.warning, set: set, "\(from): \(w)", path: from)) }
            FaultInjection.point(step.summary)
            return true
        } catch {
            emit(RunEvent(.error, set: set, "\(step.summary): \(error)", action: "copytruncate", path: from))
            setFailed = true
            return false
        }
    }

    /// Whether the live log still begins with the whole temporary copy (compared piece by piece, never
    /// a prefix only): then the copy's bytes were not cut from it yet, and the copy is redundant.
    func liveStartsWith(_ dir: DirectoryHandle, _ name: String, _ toDir: DirectoryHandle, _ temp: String) throws(SystemError) -> Bool {
        let a = try toDir.openRegular(temp, O_RDONLY)
        defer { _ = try? a.close() }
        let b = try dir.openRegular(name, O_RDONLY)
        defer { _ = try? b.close() }
        var offset: Int64 = 0
        while true {
            let copied = try a.read(upTo: 1 << 20, at: offset, path: toDir.child(temp))
            if copied.isEmpty { return offset > 0 }
            let live = try b.read(upTo: copied.count, at: offset, path: dir.child(name))
            guard copied == live else { return false }
            offset += Int64(copied.count)
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

    /// Compresses files in parallel (gzip in-process, or `compresscmd`) and commits them chunk by chunk
    /// while later chunks are being compressed: the worker threads open each source and create, write and
    /// close its output (see `CompressTask`); this thread then syncs the chunk's outputs in one pass
    /// (`syncfs` for 16 files or more, else an fsync each, done by the workers), names them (linking an
    /// `O_TMPFILE` output, renaming a temporary one), makes the names durable, and removes the sources.
    /// A failure (ENOSPC, EIO) keeps that source and drops its partial output. Returns success per step.
    func compressBatch(_ batch: [Action], _ set: String, _ config: LogSetConfig?) -> [Bool] {
        commitCompression(startCompression(batch, set, config, gated: false), set, config)
    }

    /// Prepares the tasks of `batch` and starts its workers: on every step at once, or, `gated`, on
    /// none until the caller releases them (`CompressionBatch.release(belowStep:cancelling:)`), as
    /// `EarlyCompression` has it done while a set's renames go on. A step whose directories cannot be
    /// opened is reported here.
    func startCompression(_ batch: [Action], _ set: String, _ config: LogSetConfig?, gated: Bool) -> CompressionBatch {
        var results = [Bool](repeating: true, count: batch.count)
        var tasks: [CompressTask] = []
        for (i, step) in batch.enumerated() {
            guard case .compress(let source, let dest) = step else { continue }
            do {
                let (srcDir, srcName) = try directories.locate(source)
                let (dir, destName) = try directories.locate(dest)
                tasks.append(CompressTask(index: i, step: step, source: source, dest: dest, srcDir: srcDir,
                                          srcName: srcName, dir: dir, destName: destName))
            } catch {
                emit(RunEvent(.error, set: set, "\(step.summary): \(error)", action: "compress", path: source))
                setFailed = true
                results[i] = false
            }
        }
        let command = config?.compressCommand ?? "gzip"
        let compressOptions = config?.compressOptions ?? []
        let gzip = GzipCompressor.replacing(command: command, options: compressOptions, jobs: options.jobs)
        let width = gzip == nil ? 1 : max(1, min(options.jobs, tasks.count))
        // Many outputs are committed as a group: one syncfs per file system instead of an fsync each.
        let groupSync = tasks.count >= CompressionBatch.groupMinimum
        let euid = geteuid()
        var groups: [String: UInt32] = [:]
        if euid == 0 {
            for t in tasks where groups[t.dir.path] == nil {
                guard let st = try? t.dir.status() else { continue }
                groups[t.dir.path] = st.mode & UInt32(S_ISGID) != 0 ? st.gid : getegid()
            }
        }
        let settings = CompressTask.Settings(
            gzip: gzip.map { GzipCompressor(level: $0.level, jobs: max(1, $0.jobs / width), blockSize: $0.blockSize, storesName: $0.storesName) },
            external: ExternalCompressor(command: command, options: compressOptions),
            syncEach: !groupSync, anonymous: groupSync, euid: euid, groups: groups)
        let work = tasks
        let pipeline = BatchPipeline<CompressTask.Outcome>.start(
            count: tasks.count, workers: width, chunk: Self.compressChunk(tasks.count), released: gated ? 0 : nil,
            cancelled: .cancelled, work: { i, scratch in work[i].run(settings, scratch: &scratch) })
        return CompressionBatch(tasks: tasks, results: results, groupSync: groupSync, pipeline: pipeline)
    }

    /// Commits a batch `startCompression` started (releasing any step still held) and returns success
    /// per step. Every started batch must be committed: its workers wait for it.
    func commitCompression(_ batch: CompressionBatch, _ set: String, _ config: LogSetConfig?) -> [Bool] {
        var results = batch.results
        let tasks = batch.tasks
        guard !tasks.isEmpty else { return results }   // no job, so no worker waits
        let started = monotonicNow()
        var meter: ProgressMeter? = nil
        if !options.json && isatty(2) == 1 {
            // Only for a terminal: the sizes cost a stat each.
            let total = tasks.reduce(Int64(0)) { sum, t in sum + ((try? t.srcDir.status(t.srcName))??.size ?? 0) }
            meter = ProgressMeter.start(label: "compressing \(tasks.count == 1 ? tasks[0].source : "\(tasks.count) files")",
                                        total: total, enabled: true)
        }
        let groupSync = batch.groupSync
        var linked: [(CompressTask, CompressTask.Output)] = []
        batch.pipeline.commit { range, outcomes in
            commitCompressed(Array(tasks[range]), outcomes, set, config, groupSync: groupSync, started: started,
                             linked: &linked, results: &results)
        }
        meter?.finish()
        if !linked.isEmpty {
            // The last chunk's links, made durable by one more syncfs before their sources go.
            removeSources(dropUnsynced(linked, syncFileSystems(linked), set, &results), set, config, started: started, results: &results)
            FaultInjection.point("compressed sources removed")
        }
        syncChanged(set)
        return results
    }

    /// Files per commit of a compression batch: at most 128, and few enough that three chunks of open
    /// outputs stay well within the descriptor limit (`RLIMIT_NOFILE`) whatever else is open. Debug builds
    /// take `ROTATECTL_COMPRESS_CHUNK`, so tests commit small batches in several chunks.
    static func compressChunk(_ count: Int) -> Int {
        #if ROTATECTL_FAULT_INJECTION
        if let v = getenv("ROTATECTL_COMPRESS_CHUNK"), let n = Int(String(cString: v)), n > 0 { return n }
        #endif
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 16 }
        let open = ProcFS.numericEntries("/proc/self/fd").count
        let spare = Int(clamping: limit.rlim_cur) - open - 64
        return max(1, min(128, spare / 3))
    }

    /// Commits one chunk of a compression batch, in order: reports what the workers could not do, syncs
    /// the outputs (one `syncfs` per file system, or the workers' fsyncs), names them, and removes the
    /// sources whose outputs' names are durable. A renamed temporary file is durable once its directory is
    /// synced; a linked anonymous file's new link count lives in its inode, which a directory fsync does
    /// not write everywhere (ext4 without a journal), so its source waits in `linked` for the next chunk's
    /// syncfs (or the batch's last one), which covers both.
    func commitCompressed(_ tasks: [CompressTask], _ outcomes: [CompressTask.Outcome], _ set: String, _ config: LogSetConfig?,
                          groupSync: Bool, started: Double, linked: inout [(CompressTask, CompressTask.Output)],
                          results: inout [Bool]) {
        var written: [(CompressTask, CompressTask.Output)] = []
        for (task, outcome) in zip(tasks, outcomes) {
            let i = task.index
            switch outcome {
            case .alreadyDone:
                continue
            case .destinationExists(let existing):
                // Both exist: after a crash between naming the output and removing the source, the output
                // is complete. Anything else there (a planted file, a link, a stranger's copy) is never
                // trusted: the source is removed only if the output's gzip trailer carries the source's
                // CRC-32 and size.
                do {
                    if recovering, existing.kind == .regular,
                       try GzipTrailerCheck.matches(task.dir, task.destName, source: task.srcDir, task.srcName) {
                        // It may never have reached the disk (killed before its group's syncfs, or that
                        // syncfs failed): it and its name are made durable before the source goes.
                        let gz = try task.dir.openRegular(task.destName, O_RDONLY)
                        defer { _ = try? gz.close() }
                        try gz.sync(path: task.dest)
                        try task.dir.sync()
                        try task.srcDir.remove(task.srcName)
                        steps.markDirty(task.srcDir.path)
                        continue
                    }
                    emit(RunEvent(.error, set: set, "\(task.step.summary): \(task.dest) already exists and is not this file compressed; both kept",
                                  action: "compress", path: task.source))
                } catch {
                    emit(RunEvent(.error, set: set, "\(task.step.summary): \(error)", action: "compress", path: task.source))
                }
                setFailed = true
                results[i] = false
            case .sourceGone:
                emit(RunEvent(.warning, set: set, "\(task.source): gone before it could be compressed", path: task.source))
            case .cancelled:
                results[i] = false   // its log was not rotated, which was reported then
            case .failed(let message):
                emit(RunEvent(.error, set: set, message, action: "compress", path: task.source))
                setFailed = true
                results[i] = false
            case .written(let output):
                written.append((task, output))
            }
        }
        written = withoutHeldSources(written, set)
        if groupSync {
            let failed = syncFileSystems(written + linked)
            written = dropUnsynced(written, failed, set, &results)
            let durable = dropUnsynced(linked, failed, set, &results)
            linked = []
            FaultInjection.point("compressed outputs synced")
            if !durable.isEmpty {
                removeSources(durable, set, config, started: started, results: &results)
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
                    _ = try? file.close()
                    linked.append((task, CompressTask.Output(file: nil, temp: nil, status: output.status, stats: output.stats)))
                } else if let temp = output.temp {
                    try task.dir.rename(temp, to: task.dir, as: task.destName)
                    steps.markDirty(task.dir.path)
                    renamed.append((task, output))
                }
            } catch {
                task.discard(output)
                emit(RunEvent(.error, set: set, "\(task.step.summary): \(error)", action: "compress", path: task.source))
                setFailed = true
                results[task.index] = false
            }
        }
        if !renamed.isEmpty { syncChanged(set) }
        FaultInjection.point("compressed outputs renamed")
        if !renamed.isEmpty {
            removeSources(renamed, set, config, started: started, results: &results)
            FaultInjection.point("compressed sources removed")
        }
    }

    /// `outputs` without those whose source another process still has open for writing (a writer that
    /// did not reopen, or ignored its signal): what it appends after the copy would go with the source.
    /// Their outputs are discarded and their sources kept, uncompressed, for a later run. One scan of
    /// `/proc` for all of them.
    func withoutHeldSources(_ outputs: [(CompressTask, CompressTask.Output)], _ set: String) -> [(CompressTask, CompressTask.Output)] {
        guard !outputs.isEmpty else { return outputs }
        let open = openForWriting(outputs.map(\.0.source), set)
        guard !open.isEmpty else { return outputs }
        return outputs.filter { task, output in
            guard let pids = open[task.source] else { return true }
            task.discard(output)
            emit(RunEvent(.warning, set: set, "\(task.source): still open for writing (pid \(pids)); left uncompressed, compressed on a later run",
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
    /// journal is kept (`keepJournal`), so that the next run checks the output against its source,
    /// syncs it and only then removes the source.
    func dropUnsynced(_ outputs: [(CompressTask, CompressTask.Output)], _ failed: [UInt64: SystemError], _ set: String,
                      _ results: inout [Bool]) -> [(CompressTask, CompressTask.Output)] {
        guard !failed.isEmpty else { return outputs }
        return outputs.filter { task, output in
            guard let error = failed[output.status.device] else { return true }
            let named = output.file == nil && output.temp == nil
            task.discard(output)
            if named { keepJournal = true }
            emit(RunEvent(.error, set: set, "\(task.step.summary): \(error); source kept" + (named
                          ? " next to \(task.dest), which the next run checks and syncs before removing it" : ", retried next run"),
                          action: "compress", path: task.source))
            setFailed = true
            results[task.index] = false
            return false
        }
    }

    /// Removes the sources of outputs whose names are durable (shredding them first when configured;
    /// the unlinks side by side, see `DirectoryHandle.removeAll`) and reports each compression.
    func removeSources(_ outputs: [(CompressTask, CompressTask.Output)], _ set: String, _ config: LogSetConfig?,
                       started: Double, results: inout [Bool]) {
        var removing: [(CompressTask, CompressTask.Output)] = []
        var shredded: [(CompressTask, CompressTask.Output)] = []
        for (task, output) in outputs where results[task.index] {
            guard let config, config.shred else {
                removing.append((task, output))
                continue
            }
            if let failure = shredAway(task.source, config, set) {
                emit(RunEvent(.error, set: set, "\(task.source): \(failure); kept next to its compressed copy",
                              action: "compress", path: task.source))
                setFailed = true
                continue
            }
            shredded.append((task, output))
        }
        let errors = DirectoryHandle.removeAll(removing.map { ($0.0.srcDir, $0.0.srcName) })
        for ((task, output), error) in zip(removing, errors) + shredded.map({ ($0, nil) }) {
            steps.markDirty(task.srcDir.path)
            if let error {
                emit(RunEvent(.error, set: set, "\(error)", action: "compress", path: task.source))
                setFailed = true
                continue
            }
            let stats = output.stats
            emit(RunEvent(.action, set: set, "\(task.step.summary) (\(Bytes(stats.bytesIn)) -> \(Bytes(stats.bytesOut)))",
                          action: "compress", path: task.source, target: task.dest, bytesBefore: stats.bytesIn,
                          bytesAfter: stats.bytesOut, seconds: monotonicNow() - started))
        }
    }
}
