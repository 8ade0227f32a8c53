import Synchronization

extension DirectoryHandle {
    /// Removes many names (`unlinkat` each) on up to `threads` threads at once; returns each one's
    /// error, nil when removed or already gone. Freeing a file's blocks can wait on the device (ext4
    /// mounted with `discard` issues the discard inside `unlink`): side by side, those waits overlap
    /// instead of adding up, several times faster for thousands of small files.
    static func removeAll(_ names: [(DirectoryHandle, String)], threads: Int = 4) -> [SystemError?] {
        let results = RemovalResults(count: names.count)
        let work: @Sendable () -> Void = {
            while true {
                let i = results.next.add(1, ordering: .relaxed).oldValue
                guard i < names.count else { return }
                let (dir, name) = names[i]
                do throws(SystemError) { try dir.remove(name) } catch { results.store(error, at: i) }
            }
        }
        var started: [WorkerThread] = []
        if names.count > 1 {
            for _ in 1..<max(1, min(threads, names.count)) {
                guard let t = try? WorkerThread.start(work) else { break }
                started.append(t)
            }
        }
        work()
        for t in started { t.join() }
        return results.all()
    }
}

/// The errors of `removeAll`, each slot written by one thread.
private final class RemovalResults: Sendable {
    let next = Atomic<Int>(0)
    private let errors: Mutex<[SystemError?]>

    init(count: Int) { errors = Mutex(Array(repeating: nil, count: count)) }

    func store(_ error: SystemError, at index: Int) { errors.withLock { $0[index] = error } }

    func all() -> [SystemError?] { errors.withLock { $0 } }
}
