/// Runs jobs on worker threads while the calling thread commits their results in order, a chunk at a
/// time (syncing, naming and removing files), as the workers go on with later jobs: the serial
/// file-system work of one chunk overlaps the compression of the next. Workers never run more than
/// `2 × chunk` jobs past the last chunk handed over, so at most `3 × chunk` results (and the descriptors
/// they hold) are alive at once.
///
/// A pipeline can also be started gated: workers then take only the jobs the caller has released
/// (`release(upTo:cancelling:)`), so that a job may start as soon as what it depends on is done (a
/// log's renames) while the caller goes on with the rest; a cancelled job is not run and its result is
/// the `cancelled` value. Committing releases every job still held.
final class BatchPipeline<Output: Sendable>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var results: [Output?]
    private var next = 0
    /// Jobs below this index may be claimed: the window.
    private var limit: Int
    /// Jobs below this index have been released by the caller.
    private var released: Int
    /// Released jobs that are not to run.
    private var cancelled = Set<Int>()
    private let cancelledOutput: Output?
    private let chunk: Int
    /// Jobs of each chunk still running or not started: the committing thread is woken only when one
    /// reaches zero, not for every job.
    private var unfinished: [Int]
    private let work: @Sendable (Int, inout CompressScratch?) -> Output
    private var threads: [WorkerThread] = []

    private init(count: Int, chunk: Int, released: Int, cancelled: Output?,
                 work: @escaping @Sendable (Int, inout CompressScratch?) -> Output) {
        results = Array(repeating: nil, count: count)
        self.chunk = chunk
        limit = min(count, 2 * chunk)
        self.released = min(count, max(0, released))
        cancelledOutput = cancelled
        unfinished = stride(from: 0, to: count, by: chunk).map { min(chunk, count - $0) }
        self.work = work
    }

    /// Starts `workers` threads (none with one worker, one job, or no thread to be had) that run
    /// `work(index, scratch)` for the jobs below `count`, each thread with its own `scratch` (nil until
    /// `work` fills it), taking only jobs below `released` until more are released. Results are handed
    /// over, `chunk` at a time, by `commit(_:)`.
    static func start(count: Int, workers: Int, chunk: Int, released: Int? = nil, cancelled: Output? = nil,
                      work: @escaping @Sendable (Int, inout CompressScratch?) -> Output) -> BatchPipeline {
        let pipeline = BatchPipeline(count: max(0, count), chunk: max(1, chunk), released: released ?? count,
                                     cancelled: cancelled, work: work)
        if workers > 1 && count > 1 {
            for _ in 0..<min(workers, count) {
                guard let thread = try? WorkerThread.start({ pipeline.workLoop() }) else { break }
                pipeline.threads.append(thread)
            }
        }
        return pipeline
    }

    /// Lets workers take the jobs below `count`; those in `cancelling` (which needs a `cancelled` value
    /// given to `start`) are not run. Jobs already released stay released.
    func release(upTo count: Int, cancelling: some Sequence<Int> = [Int]()) {
        lock.withLock {
            if cancelledOutput != nil { cancelled.formUnion(cancelling) }
            released = max(released, min(results.count, count))
            lock.broadcast()
        }
    }

    /// Calls `commit(range, outputs)` on the calling thread for consecutive ranges of `chunk` jobs, in
    /// order, after releasing every job still held; without worker threads it runs the jobs itself,
    /// chunk by chunk. Returns when every job is committed and every thread has ended.
    func commit(_ commit: (Range<Int>, [Output]) -> Void) {
        let count = results.count
        release(upTo: count)
        guard !threads.isEmpty else {
            var scratch: CompressScratch? = nil
            for start in stride(from: 0, to: count, by: chunk) {
                let range = start..<min(count, start + chunk)
                commit(range, range.map { i in output(i, cancelled: lock.withLock { cancelled.contains(i) }, &scratch) })
            }
            return
        }
        for start in stride(from: 0, to: count, by: chunk) {
            let range = start..<min(count, start + chunk)
            commit(range, take(range))
        }
        for thread in threads { thread.join() }
        threads = []
    }

    /// Job `index`'s result: the `cancelled` value for a cancelled job, else what `work` makes of it.
    private func output(_ index: Int, cancelled skip: Bool, _ scratch: inout CompressScratch?) -> Output {
        if skip, let cancelledOutput { return cancelledOutput }
        return work(index, &scratch)
    }

    private func workLoop() {
        var scratch: CompressScratch? = nil
        while let (index, skip) = claim() {
            let output = output(index, cancelled: skip, &scratch)
            lock.withLock {
                results[index] = output
                unfinished[index / chunk] -= 1
                if unfinished[index / chunk] == 0 { lock.broadcast() }
            }
        }
    }

    /// The next index to run and whether it is cancelled, waiting while the window is full or the job
    /// is not released yet; nil when every job is taken.
    private func claim() -> (Int, Bool)? {
        lock.withLock {
            while next < results.count && (next >= limit || next >= released) { lock.wait() }
            guard next < results.count else { return nil }
            defer { next += 1 }
            return (next, cancelled.contains(next))
        }
    }

    /// Waits for every result in `range`, hands them over and widens the window past it.
    private func take(_ range: Range<Int>) -> [Output] {
        lock.withLock {
            while unfinished[range.lowerBound / chunk] > 0 { lock.wait() }
            var outputs: [Output] = []
            outputs.reserveCapacity(range.count)
            for i in range {
                if let output = results[i] { outputs.append(output) }
                results[i] = nil
            }
            limit = min(results.count, range.upperBound + 2 * chunk)
            lock.broadcast()
            return outputs
        }
    }
}
