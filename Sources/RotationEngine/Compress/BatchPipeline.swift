/// Runs jobs on worker threads while the calling thread commits their results in order, a chunk at a
/// time (syncing, naming and removing files), as the workers go on with later jobs: the serial
/// file-system work of one chunk overlaps the compression of the next. Workers never run more than
/// `2 × chunk` jobs past the last chunk handed over, so at most `3 × chunk` results (and the descriptors
/// they hold) are alive at once.
final class BatchPipeline<Output: Sendable>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var results: [Output?]
    private var next = 0
    /// Jobs below this index may be claimed.
    private var limit: Int
    private let chunk: Int
    /// Jobs of each chunk still running or not started: the committing thread is woken only when one
    /// reaches zero, not for every job.
    private var unfinished: [Int]

    private init(count: Int, chunk: Int) {
        results = Array(repeating: nil, count: count)
        self.chunk = chunk
        limit = min(count, 2 * chunk)
        unfinished = stride(from: 0, to: count, by: chunk).map { min(chunk, count - $0) }
    }

    /// Runs `work(index, scratch)` for every index below `count` on `workers` threads (each with its own
    /// `scratch`, nil until `work` fills it) and `commit(range, outputs)` on the calling thread for
    /// consecutive ranges of `chunk` indices, in order. With one worker (or one job, or no thread to be
    /// had) everything runs on the calling thread, chunk by chunk.
    static func run(count: Int, workers: Int, chunk: Int,
                    work: @escaping @Sendable (Int, inout CompressScratch?) -> Output,
                    commit: (Range<Int>, [Output]) -> Void) {
        guard count > 0 else { return }
        let chunk = max(1, chunk)
        let pipeline = BatchPipeline(count: count, chunk: chunk)
        var threads: [WorkerThread] = []
        if workers > 1 && count > 1 {
            for _ in 0..<min(workers, count) {
                guard let thread = try? WorkerThread.start({ pipeline.workLoop(work) }) else { break }
                threads.append(thread)
            }
        }
        guard !threads.isEmpty else {
            var scratch: CompressScratch? = nil
            for start in stride(from: 0, to: count, by: chunk) {
                let range = start..<min(count, start + chunk)
                commit(range, range.map { work($0, &scratch) })
            }
            return
        }
        for start in stride(from: 0, to: count, by: chunk) {
            let range = start..<min(count, start + chunk)
            commit(range, pipeline.take(range))
        }
        for thread in threads { thread.join() }
    }

    private func workLoop(_ work: (Int, inout CompressScratch?) -> Output) {
        var scratch: CompressScratch? = nil
        while let index = claim() {
            let output = work(index, &scratch)
            lock.withLock {
                results[index] = output
                unfinished[index / chunk] -= 1
                if unfinished[index / chunk] == 0 { lock.broadcast() }
            }
        }
    }

    /// The next index to run, waiting while the window is full; nil when every job is taken.
    private func claim() -> Int? {
        lock.withLock {
            while next < results.count && next >= limit { lock.wait() }
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
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
