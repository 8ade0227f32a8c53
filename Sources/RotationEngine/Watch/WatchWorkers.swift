import Synchronization

/// The runs the watcher has under way, each on its own thread over sets no other run under way rotates
/// (`WatchTargets.jobs`), so one log's compression or script never delays another log's trigger. They
/// share the state file's lock (`StateLockLease`); a run that ends is handed back to the watcher's
/// thread (`collect`), which is woken through `wake`.
final class WatchWorkers {
    /// A run that ended, as the watcher's thread takes it back.
    struct Finished {
        var job: Job
        var report: RunReport
    }

    /// What one run was started on.
    struct Job {
        /// The sets it rotates (indices in the configuration of `generation`), and all the sets it plans
        /// (those and the earlier sets of their directories, for their claims).
        var due: Set<Int>
        var members: [Int]
        var names: [String]
        /// Which configuration the indices are of: a SIGHUP reload numbers the sets anew.
        var generation: Int
        /// The watcher's monotonic time when the run started.
        var started: Double
        /// A group with an `su` set: its run changes the whole process's effective user and group
        /// (`Privileges`; setuid calls apply to every thread), so it runs alone.
        var exclusive = false
    }

    private struct Running { var thread: WorkerThread?; var job: Job }

    let wake: WakeEvent
    let lease: StateLockLease
    /// The most runs under way at once.
    let limit: Int
    private var running: [Int: Running] = [:]
    private var nextID = 0
    /// Where a run's thread leaves its report for the watcher's thread.
    private final class Inbox: Sendable {
        let ended = Mutex<[(id: Int, report: RunReport)]>([])
        func put(_ id: Int, _ report: RunReport) { ended.withLock { $0.append((id, report)) } }
        func take() -> [(id: Int, report: RunReport)] { ended.withLock { all in defer { all = [] }; return all } }
    }
    private let inbox = Inbox()

    init(statePath: String, limit: Int) throws(SystemError) {
        wake = try WakeEvent()
        lease = StateLockLease(statePath: statePath)
        self.limit = max(1, limit)
    }

    var isEmpty: Bool { running.isEmpty }
    /// Whether a run under way must stay alone (`Job.exclusive`).
    var hasExclusive: Bool { running.values.contains { $0.job.exclusive } }
    var isFull: Bool { running.count >= limit }
    var count: Int { running.count }

    /// The sets (of configuration `generation`) the runs under way rotate.
    func busySets(generation: Int) -> Set<Int> {
        running.values.reduce(into: Set<Int>()) { if $1.job.generation == generation { $0.formUnion($1.job.due) } }
    }

    /// Starts `run` on a thread of its own for `job`; when no thread can be started (EAGAIN), runs it on
    /// this one: late, but done.
    func start(_ job: Job, _ run: @escaping @Sendable () -> RunReport) {
        let id = nextID
        nextID += 1
        running[id] = Running(thread: nil, job: job)
        let inbox = self.inbox, wake = self.wake
        do throws(SystemError) {
            running[id]?.thread = try WorkerThread.start {
                inbox.put(id, run())
                wake.signal()
            }
        } catch {
            inbox.put(id, run())
        }
    }

    /// The runs that ended since the last call, their threads joined.
    func collect() -> [Finished] {
        wake.clear()
        return inbox.take().compactMap { id, report in
            guard let done = running.removeValue(forKey: id) else { return nil }
            done.thread?.join()
            return Finished(job: done.job, report: report)
        }
    }

    /// Waits for every run under way to end (SIGTERM: each run finishes its sets) and returns them.
    func finishAll() -> [Finished] {
        for id in running.keys.sorted() {
            running[id]?.thread?.join()
            running[id]?.thread = nil
        }
        return collect()
    }
}
