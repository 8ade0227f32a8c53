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
            for outcome in WriterNotifier.notify(pidFiles: pidFiles, signal: signal, logger: logger) {
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
            capTotalSize(generations, cap, set)
            return true
        case .awaitWriters:
            return true
        case .remove(let path, _, _) where config?.shred == true:
            if let failure = shredBeforeRemoval(path, config) {
                emit(RunEvent(.error, set: set, "\(path): \(failure); kept", action: "remove", path: path))
                setFailed = true
                return false
            }
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
    /// compress in parallel, then remove what retention drops.
    func finish(_ units: [RotationUnit], _ plan: SetPlan, _ config: LogSetConfig, keeping vetoed: Set<String>) {
        guard !units.isEmpty else { return }
        if let n = plan.notify { perform(n, plan.name, config) }
        var compress: [Action] = []
        var rest: [Action] = []
        var held = Set<String>()
        for log in units.flatMap(\.logs) {
            for step in log.finishSteps {
                switch step {
                case .awaitWriters(let path):
                    if !waitForWriters(path, config.reopenTimeout, plan.name) { held.insert(path) }
                case .compress(let source, _):
                    if held.contains(source) {
                        emit(RunEvent(.warning, set: plan.name, "\(source): a writer still has it open after \(config.reopenTimeout) s; left uncompressed, compressed on a later run", path: source))
                    } else {
                        compress.append(step)
                    }
                case .remove(let path, _, _) where vetoed.contains(path):
                    continue
                case .copy:
                    perform(step, plan.name, config)   // renamecopy: the copy is what gets compressed
                default:
                    rest.append(step)
                }
            }
        }
        if !compress.isEmpty { _ = compressBatch(compress, plan.name, config) }
        for step in rest { perform(step, plan.name, config) }
        syncChanged(plan.name)
    }

    /// `shred`: overwrites a file with `shred [-n N] -` on its descriptor (as standard output) before it is unlinked, as
    /// logrotate does, refusing a file with several hard links unless `allowhardlink`. Nil when done or
    /// not configured, else why not.
    func shredBeforeRemoval(_ path: String, _ config: LogSetConfig?) -> String? {
        guard let config, config.shred else { return nil }
        do {
            let (dir, name) = try directories.locate(path)
            guard let st = try dir.status(name), st.kind == .regular else { return nil }
            if st.linkCount != 1 && !config.allowHardlink {
                return "not shredded: it has \(st.linkCount) hard links (allowhardlink not set)"
            }
            let fd = try dir.openFile(name, O_WRONLY)
            defer { _ = try? fd.close() }
            let cycles = config.shredCycles.map { ["-n", String($0)] } ?? []
            let result = try ChildProcess.run(["shred"] + cycles + ["-"], stdout: fd.rawValue)   // shred's "-" is standard output
            return result.succeeded ? nil : "shred \(result)"
        } catch {
            return "shred: \(error)"
        }
    }

    /// Waits until no process has `path` open for writing; false at the time limit.
    func waitForWriters(_ path: String, _ timeout: Double, _ set: String) -> Bool {
        do {
            let (dir, name) = try directories.locate(path)
            guard let st = try dir.status(name) else { return true }
            let closed = OpenWriters.waitUntilClosed(device: st.device, inode: st.inode, timeout: timeout)
            if closed { FaultInjection.point("writers closed \(path)") }
            return closed
        } catch {
            emit(RunEvent(.warning, set: set, "\(error)"))
            return true
        }
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
            if let st = try toDir.status(temp), st.kind != .regular || st.linkCount != 1 {
                try toDir.remove(temp)   // not a copy of ours (a planted link): never opened
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

    /// Whether the live log still begins with the first 64 KiB of the temporary copy.
    func liveStartsWith(_ dir: DirectoryHandle, _ name: String, _ toDir: DirectoryHandle, _ temp: String) throws(SystemError) -> Bool {
        let a = try toDir.openFile(temp, O_RDONLY)
        defer { _ = try? a.close() }
        let b = try dir.openFile(name, O_RDONLY)
        defer { _ = try? b.close() }
        let copied = try a.read(upTo: 65536, at: 0, path: toDir.child(temp))
        let live = try b.read(upTo: copied.count, at: 0, path: dir.child(name))
        return !copied.isEmpty && copied == live
    }

    /// `maxtotalsize`: drops the oldest generations until the kept ones fit.
    func capTotalSize(_ generations: [String], _ cap: Int64, _ set: String) {
        var sizes: [(String, FileStatus)] = []
        for path in generations {
            if let (dir, name) = try? directories.locate(path), let st = try? dir.status(name) { sizes.append((path, st)) }
        }
        var total = sizes.reduce(Int64(0)) { $0 + $1.1.size }
        while total > cap, sizes.count > 1, let (path, st) = sizes.popLast() {
            perform(.remove(path: path, inode: st.inode, reason: "set over maxtotalsize \(Bytes(cap))"), set, nil)
            total -= st.size
        }
    }

    /// Compresses files in parallel (gzip in-process, or `compresscmd`), each to a temporary name; then
    /// syncs them in one pass, renames them into place, syncs each directory once, and removes the sources.
    /// A failure (ENOSPC, EIO) keeps that source and removes its partial output. Returns success per step.
    func compressBatch(_ batch: [Action], _ set: String, _ config: LogSetConfig?) -> [Bool] {
        struct Item { var step: Action; var source: String; var dest: String; var src: FileDescriptor; var st: FileStatus
            var out: FileDescriptor; var dir: DirectoryHandle; var temp: String; var destName: String
            var srcDir: DirectoryHandle; var srcName: String }
        var results = [Bool](repeating: true, count: batch.count)
        var items: [(Int, Item)] = []
        let started = monotonicNow()
        for (i, step) in batch.enumerated() {
            guard case .compress(let source, let dest) = step else { continue }
            do {
                let (srcDir, srcName) = try directories.locate(source)
                let (dir, destName) = try directories.locate(dest)
                if let existing = try dir.status(destName) {
                    guard try srcDir.status(srcName) != nil else { continue }   // done
                    // Both exist: after a crash between renaming the output in and removing the source,
                    // the output is complete. Anything else there (a planted file, a link, a stranger's
                    // copy) is never trusted: the source is removed only if the output's gzip trailer
                    // carries the source's CRC-32 and size.
                    if recovering, existing.kind == .regular,
                       try GzipTrailerCheck.matches(dir, destName, source: srcDir, srcName) {
                        try srcDir.remove(srcName)
                        steps.markDirty(srcDir.path)
                        continue
                    }
                    emit(RunEvent(.error, set: set, "\(step.summary): \(dest) already exists and is not this file compressed; both kept",
                                  action: "compress", path: source))
                    setFailed = true
                    results[i] = false
                    continue
                }
                let opened = Result(catching: { () throws(SystemError) -> FileDescriptor in try srcDir.openFile(srcName, O_RDONLY) })
                if case .failure(let e) = opened, e.errno == .noSuchFileOrDirectory {
                    emit(RunEvent(.warning, set: set, "\(source): gone before it could be compressed", path: source))
                    continue
                }
                let src = try opened.get()
                let st = try src.status(path: source)
                let temp = StepExecutor.temporaryName(for: destName)
                let out: FileDescriptor
                do {
                    out = try StepExecutor.createFresh(dir, temp)
                } catch {
                    _ = try? src.close()
                    throw error
                }
                items.append((i, Item(step: step, source: source, dest: dest, src: src, st: st, out: out, dir: dir,
                                      temp: temp, destName: destName, srcDir: srcDir, srcName: srcName)))
            } catch {
                emit(RunEvent(.error, set: set, "\(step.summary): \(error)", action: "compress", path: source))
                setFailed = true
                results[i] = false
            }
        }
        let total = items.reduce(Int64(0)) { $0 + $1.1.st.size }
        let meter = ProgressMeter.start(label: "compressing \(items.count == 1 ? items[0].1.source : "\(items.count) files")",
                                        total: total, enabled: !self.options.json)
        let command = config?.compressCommand ?? "gzip"
        let options = config?.compressOptions ?? []
        var outcomes: [Result<CompressStats, CompressError>]
        if let gzip = GzipCompressor.replacing(command: command, options: options, jobs: self.options.jobs) {
            outcomes = gzip.compressAll(items.map { CompressJob(source: $0.1.src, sourcePath: $0.1.source,
                destination: $0.1.out, destinationPath: $0.1.dir.child($0.1.temp), modificationTime: $0.1.st.modified.seconds) },
                parallelism: self.options.jobs)
        } else {
            let external = ExternalCompressor(command: command, options: options)
            outcomes = items.map { item in
                Result { () throws(CompressError) -> CompressStats in
                    try external.compress(source: item.1.src, sourcePath: item.1.source, destination: item.1.out,
                                          destinationPath: item.1.dir.child(item.1.temp))
                }
            }
        }
        meter?.finish()
        var renamed: [(Int, Item, CompressStats)] = []
        // Many outputs are committed as a group: one syncfs per file system instead of an fsync each.
        let groupSync = items.count >= 16
        for ((i, item), outcome) in zip(items, outcomes) {
            let tempPath = item.dir.child(item.temp)
            do {
                let stats = try outcome.get()
                try steps.applyMetadata(item.out, from: item.st, path: tempPath)
                if !groupSync { try item.out.sync(path: tempPath) }
                try item.out.close(path: tempPath)
                _ = try? item.src.close()
                renamed.append((i, item, stats))
            } catch {
                _ = try? item.out.close()
                _ = try? item.src.close()
                try? item.dir.remove(item.temp)
                emit(RunEvent(.error, set: set, "\(item.step.summary): \(error); source kept, retried next run",
                              action: "compress", path: item.source))
                setFailed = true
                results[i] = false
            }
        }
        if groupSync {
            var synced: [UInt64: SystemError?] = [:]
            for (_, item, _) in renamed {
                let device = item.st.device
                if synced[device] == nil {
                    do { try item.dir.syncFileSystem(); synced[device] = .some(nil) } catch { synced[device] = .some(error) }
                }
            }
            renamed = renamed.filter { i, item, _ in
                guard case .some(.some(let error)) = synced[item.st.device] else { return true }
                try? item.dir.remove(item.temp)
                emit(RunEvent(.error, set: set, "\(item.step.summary): \(error); source kept, retried next run",
                              action: "compress", path: item.source))
                setFailed = true
                results[i] = false
                return false
            }
        }
        FaultInjection.point("compressed outputs synced")
        for (i, item, _) in renamed {
            do {
                try item.dir.rename(item.temp, to: item.dir, as: item.destName)
                steps.markDirty(item.dir.path)
            } catch {
                try? item.dir.remove(item.temp)
                emit(RunEvent(.error, set: set, "\(item.step.summary): \(error)", action: "compress", path: item.source))
                setFailed = true
                results[i] = false
            }
        }
        syncChanged(set)
        FaultInjection.point("compressed outputs renamed")
        for (i, item, stats) in renamed where results[i] {
            do {
                if let failure = shredBeforeRemoval(item.source, config) {
                    emit(RunEvent(.error, set: set, "\(item.source): \(failure); kept next to its compressed copy",
                                  action: "compress", path: item.source))
                    setFailed = true
                    continue
                }
                try item.srcDir.remove(item.srcName)
                steps.markDirty(item.srcDir.path)
                emit(RunEvent(.action, set: set, "\(item.step.summary) (\(Bytes(stats.bytesIn)) -> \(Bytes(stats.bytesOut)))",
                              action: "compress", path: item.source, target: item.dest, bytesBefore: stats.bytesIn,
                              bytesAfter: stats.bytesOut, seconds: monotonicNow() - started))
            } catch {
                emit(RunEvent(.error, set: set, "\(error)", action: "compress", path: item.source))
                setFailed = true
            }
        }
        syncChanged(set)
        FaultInjection.point("compressed sources removed")
        return results
    }
}
