#if canImport(Glibc)
import Glibc
#endif

/// Compresses files in parallel (gzip or zstd in-process, or `compresscmd`) and commits them chunk by chunk while
/// later chunks are being compressed: the worker threads open each source and create, write and close
/// its output (see `CompressTask`); this thread then syncs the chunk's outputs in one pass (`syncfs` for
/// 16 files or more, else an fsync each, done by the workers), names them (linking an `O_TMPFILE` output,
/// renaming a temporary one), makes the names durable, and removes the sources. A failure (ENOSPC, EIO)
/// keeps that source and drops its partial output. One value per batch.
final class CompressionCommit: RunPart {
    /// What a commit came to: success per step, and whether a named output could not be made durable,
    /// in which case the set's journal is kept so that the next run checks, syncs and finishes it.
    struct Result {
        var results: [Bool]
        var keepJournal: Bool
    }

    let runner: StepRunner
    let set: String
    let config: LogSetConfig?
    var context: RunContext { runner.context }

    // The commit's progress: success by step, the linked outputs whose sources wait for the next syncfs.
    var results: [Bool] = []
    var linked: [(CompressTask, CompressTask.Output)] = []
    var keepJournal = false
    var started = 0.0

    init(runner: StepRunner, set: String, config: LogSetConfig?) {
        self.runner = runner
        self.set = set
        self.config = config
    }

    /// Prepares the tasks of `batch` and starts its workers: on every step at once, or, `gated`, on
    /// none until the caller releases them (`CompressionBatch.release(belowStep:cancelling:)`), as
    /// `EarlyCompression` has it done while a set's renames go on. A step whose directories cannot be
    /// opened is reported here.
    func start(_ batch: [Action], gated: Bool) -> CompressionBatch {
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
                emit(RunEvent(.error, .compressFailed, set: set, "\(step.summary): \(error)", action: "compress", path: source, system: error))
                results[i] = false
            }
        }
        let command = config?.compressCommand ?? "gzip"
        let compressOptions = config?.compressOptions ?? []
        let jobs = options.jobs
        let gzip = GzipCompressor.replacing(command: command, options: compressOptions, jobs: jobs)
        let zstd = gzip == nil ? ZstdCompressor.replacing(command: command, options: compressOptions, jobs: jobs) : nil
        let width = gzip == nil && zstd == nil ? 1 : max(1, min(jobs, tasks.count))
        // Many outputs are committed as a group: one syncfs per file system instead of an fsync each.
        let groupSync = tasks.count >= CompressionBatch.groupMinimum
        let euid = ProcessIdentity.effectiveUID
        var groups: [String: UInt32] = [:]
        if euid == 0 {
            for t in tasks where groups[t.dir.path] == nil {
                guard let st = try? t.dir.status() else { continue }
                groups[t.dir.path] = st.mode & UInt32(S_ISGID) != 0 ? st.gid : ProcessIdentity.effectiveGID
            }
        }
        let settings = CompressTask.Settings(
            gzip: gzip.map { GzipCompressor(level: $0.level, jobs: max(1, $0.jobs / width), blockSize: $0.blockSize, storesName: $0.storesName) },
            external: ExternalCompressor(command: command, options: compressOptions),
            zstd: zstd.map { $0.with(workers: min($0.workers, jobs / width)) },
            syncEach: !groupSync, anonymous: groupSync, euid: euid, groups: groups)
        let work = tasks
        let pipeline = BatchPipeline<CompressTask.Outcome>.start(
            count: tasks.count, workers: width, chunk: Self.chunkSize(tasks.count), released: gated ? 0 : nil,
            cancelled: .cancelled, work: { i, scratch in work[i].run(settings, scratch: &scratch) })
        return CompressionBatch(tasks: tasks, results: results, groupSync: groupSync, pipeline: pipeline)
    }

    /// Commits a batch `start` started (releasing any step still held). Every started batch must be
    /// committed: its workers wait for it.
    func commit(_ batch: CompressionBatch) -> Result {
        results = batch.results
        linked = []
        keepJournal = false
        let tasks = batch.tasks
        guard !tasks.isEmpty else { return Result(results: results, keepJournal: false) }   // no job, so no worker waits
        started = monotonicNow()
        var meter: ProgressMeter? = nil
        if !options.json && StandardError.isTerminal {
            // Only for a terminal: the sizes cost a stat each.
            let total = tasks.reduce(Int64(0)) { sum, t in sum + ((try? t.srcDir.status(t.srcName))??.size ?? 0) }
            meter = ProgressMeter.start(label: "compressing \(tasks.count == 1 ? tasks[0].source : "\(tasks.count) files")",
                                        total: total, enabled: true)
        }
        let groupSync = batch.groupSync
        batch.pipeline.commit { range, outcomes in
            commitChunk(Array(tasks[range]), outcomes, groupSync: groupSync)
        }
        meter?.finish()
        if !linked.isEmpty {
            // The last chunk's links, made durable by one more syncfs before their sources go.
            removeSources(dropUnsynced(linked, syncFileSystems(linked)))
            FaultInjection.point("compressed sources removed")
        }
        context.syncChanged(set)
        return Result(results: results, keepJournal: keepJournal)
    }

    /// Files per commit of a compression batch: at most 128, and few enough that three chunks of open
    /// outputs stay well within the descriptor limit (`RLIMIT_NOFILE`) whatever else is open. Debug builds
    /// take `ROTATECTL_COMPRESS_CHUNK`, so tests commit small batches in several chunks.
    static func chunkSize(_ count: Int) -> Int {
        #if ROTATECTL_FAULT_INJECTION
        if let v = ProcessEnvironment.value("ROTATECTL_COMPRESS_CHUNK"), let n = Int(v), n > 0 { return n }
        #endif
        guard let limit = HostLimits.openFileLimit else { return 16 }
        let open = ProcFS.numericEntries("/proc/self/fd").count
        let spare = limit - open - 64
        return max(1, min(128, spare / 3))
    }
}
