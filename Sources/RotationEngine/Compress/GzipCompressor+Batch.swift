/// Results of a batch, filled in by several threads, each slot written once.
final class BatchResults: @unchecked Sendable {
    let lock = ConditionLock()
    var next = 0
    var results: [Result<CompressStats, CompressError>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The index of the next job to run, or nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ result: Result<CompressStats, CompressError>, at index: Int) {
        lock.withLock { results[index] = result }
    }
}

extension GzipCompressor {
    /// Compresses many files at once, `parallelism` files at a time (the calling thread is one of
    /// them), so a rotation of many small logs uses every core. Each file gets `jobs / parallelism`
    /// threads of its own (at least one). Results come back in the order of `jobs`; one failure does not
    /// stop the others.
    public func compressAll(_ jobs: [CompressJob], parallelism: Int) -> [Result<CompressStats, CompressError>] {
        let width = max(1, min(parallelism, jobs.count))
        let perFile = GzipCompressor(level: level, jobs: max(1, self.jobs / width), blockSize: blockSize,
                                     storesName: storesName)
        let results = BatchResults(count: jobs.count)
        let run: @Sendable () -> Void = {
            while let index = results.claim() {
                let job = jobs[index]
                let result = Result { () throws(CompressError) in
                    try perFile.compress(source: job.source, sourcePath: job.sourcePath, destination: job.destination,
                                         destinationPath: job.destinationPath, modificationTime: job.modificationTime)
                }
                results.store(result, at: index)
            }
        }
        var threads: [WorkerThread] = []
        for _ in 1..<width {
            // Without more threads the calling thread still does all the work.
            guard let thread = try? WorkerThread.start(run) else { break }
            threads.append(thread)
        }
        run()
        for thread in threads { thread.join() }
        return results.lock.withLock {
            results.results.enumerated().map { index, result in
                result ?? .failure(.system(SystemError("compress", path: jobs[index].sourcePath, errno: .resourceTemporarilyUnavailable)))
            }
        }
    }
}
