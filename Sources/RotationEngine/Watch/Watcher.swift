import Logging

/// `rotatectl watch`: the same runs as `run` (the same `Runner`, configuration, locks, journal, state
/// file and scripts), started when the kernel says a log directory changed or a period ends rather
/// than from a timer:
///
///     wait (ppoll: inotify, the next boundary, a held set, the re-scan, the watchdog; signals)
///     → events mark their directories' sets dirty
///     → every `checkInterval`: plan the dirty sets (WatchSchedule, pure) → due sets, next boundaries
///     → due sets not held by `WatchPace` → split over the free workers (`WatchTargets.jobs`; each run
///       plans the earlier sets sharing its directories for their claims, rotates its own) → a `Runner`
///       per job, each on its own thread (`WatchWorkers`), so one set's compression or scripts never
///       delay another's trigger, in its directory or elsewhere
///     → a run that ends wakes the wait; its sets, dirty meanwhile, are planned then
///
/// Signals only set flags (`WatchSignals`); they are read here, between two steps, so SIGTERM lets the
/// runs under way finish (every run is journalled) and SIGHUP re-reads the configuration.
public final class Watcher {
    let options: WatchOptions
    let logger: Logger?
    let observer: @Sendable (RunEvent) -> Void
    let notice: (WatchEvent) -> Void
    let load: () -> Configuration
    let clock: WatchClock
    var configuration: Configuration
    var targets = WatchTargets()
    var inotify: Inotify?
    var watchOf: [String: Int32] = [:]
    var directoryOf: [Int32: String] = [:]
    var unwatchable: Set<String> = []
    /// Sets an event or a boundary concerns, not planned since.
    var dirty: Set<Int> = []
    /// Dirty sets a run under way rotates, or that found no free worker: dirty again when a run ends.
    var deferred: Set<Int> = []
    /// The runs under way.
    var workers: WatchWorkers?
    /// Which configuration set indices refer to: each reload adds one.
    var generation = 0
    /// Set → the epoch at which its next period begins.
    var boundaries: [Int: Int64] = [:]
    /// Set → the monotonic time `pace` lets it run again.
    var held: [Int: Double] = [:]
    var pace: WatchPace
    var nextRescan: Double = 0
    var lastEvaluation = -Double.infinity
    var file: WatcherFile?
    let systemd = SystemdNotifier.fromEnvironment()
    let watchdog = SystemdNotifier.watchdogInterval()
    var lastPing = -Double.infinity

    /// `configuration` is the one to start with (the caller has refused one with errors); `load` reads
    /// the configuration again on SIGHUP.
    public init(options: WatchOptions, configuration: Configuration, load: @escaping () -> Configuration, logger: Logger? = nil,
                observer: @escaping @Sendable (RunEvent) -> Void = { _ in }, notice: @escaping (WatchEvent) -> Void = { _ in }) {
        self.options = options; self.configuration = configuration; self.load = load; self.logger = logger
        self.observer = observer; self.notice = notice
        clock = WatchClock(start: options.clockStart)
        pace = WatchPace(minInterval: options.minInterval)
    }

    /// Watches until SIGTERM or SIGINT. `.lockBusy` when another watcher uses the same state file,
    /// `.setFailed` when inotify cannot be used.
    public func run() -> ExitStatus {
        do throws(SystemError) {
            try WatchSignals.install()
            inotify = try Inotify()
            workers = try WatchWorkers(statePath: options.run.statePath, limit: max(2, options.run.jobs))
        } catch {
            notice(WatchEvent(.error, .watchFailed, "cannot watch: \(error)"))
            return .setFailed
        }
        if !StatePath.isDiscarded(options.run.statePath) {
            do throws(SystemError) {
                guard let acquired = try WatcherFile.acquire(statePath: options.run.statePath, now: clock.epoch) else {
                    notice(WatchEvent(.error, .watchBusy, "another watcher uses the state file \(options.run.statePath)"))
                    return .lockBusy
                }
                file = acquired
            } catch {
                notice(WatchEvent(.warning, .watchUnwatched, "status will not show this watcher: \(error)"))
            }
        }
        rescan()
        tellSystemd("READY=1\nSTATUS=watching \(watchOf.count) directories")
        notice(WatchEvent(.started, nil, "watching \(configuration.logSets.count) log sets in \(watchOf.count) directories"))
        while !WatchSignals.takeTerminate() {
            if WatchSignals.takeHangUp() { reload() }
            step()
            if !waitForEvents() { break }
        }
        tellSystemd("STOPPING=1")
        for done in workers?.finishAll() ?? [] { finished(done) }
        notice(WatchEvent(.stopping, nil, "stopping"))
        file?.remove()
        return .success
    }

    /// Whatever is due now: a re-scan, boundaries and held sets that came, an evaluation, a run.
    func step() {
        for done in workers?.collect() ?? [] { finished(done) }
        let now = monotonicNow()
        if now >= nextRescan { rescan() }
        let wall = clock.seconds
        for (set, boundary) in boundaries where Double(boundary) <= wall {
            dirty.insert(set)
            boundaries[set] = nil
        }
        for (set, until) in held where until <= now {
            dirty.insert(set)
            held[set] = nil
        }
        if !dirty.isEmpty && now >= lastEvaluation + options.checkInterval { evaluate(now) }
        if let watchdog, now >= lastPing + watchdog / 2 {
            lastPing = now
            tellSystemd("WATCHDOG=1")
        }
    }

    /// Plans the dirty sets (with the earlier sets sharing their directories, so that claims are as
    /// under `run`) and runs those that are due and not held.
    func evaluate(_ now: Double) {
        if let workers, !workers.isEmpty {
            // A set under way is planned again when its run ends. Another set of the same directories
            // is planned now: its run leaves the running one's journalled files alone.
            let busySets = workers.busySets(generation: generation)
            let waiting = dirty.intersection(busySets)
            deferred.formUnion(waiting)
            dirty.subtract(waiting)
            guard !dirty.isEmpty else { return }
        }
        let candidates = targets.closure(of: dirty)
        dirty = []
        lastEvaluation = now
        let subset = candidates.map { configuration.logSets[$0] }
        let input = PlannerInput(logSets: subset, snapshot: SnapshotReader().read(subset),
                                 state: StateStore.load(path: options.run.statePath).entries, now: clock.epoch,
                                 timeZone: options.run.timeZone, asRoot: options.run.asRoot)
        let decision = WatchSchedule.decide(input, recordsState: !StatePath.isDiscarded(options.run.statePath))
        for (k, set) in candidates.enumerated() { boundaries[set] = decision.boundaries[k] }
        var runnable: Set<Int> = []
        for k in decision.due {
            let set = candidates[k]
            guard let until = pace.nextAllowed(set, now: now) else {
                runnable.insert(set)
                continue
            }
            held[set] = until
            if !pace.isBackingOff(set) && pace.shouldWarn(set, now: now) {
                notice(WatchEvent(.warning, .watchHeld, "\(name(set)): due again \(Self.seconds(now - (until - options.minInterval))) after its last run; run at most once per \(Self.seconds(options.minInterval)) (--min-interval): its logs grow faster than they can be rotated", sets: [name(set)]))
            }
        }
        if !runnable.isEmpty { runSets(runnable, at: now) }
    }

    /// `due` split over the free workers (`WatchTargets.jobs`), a `Runner` per job on a thread of its
    /// own, each planning the earlier sets sharing its directories for their claims and rotating its own
    /// sets only. The `su` sets are one job, run alone. What finds no free worker waits for a run to end.
    func runSets(_ due: Set<Int>, at now: Double) {
        guard let workers else { return }
        var runOptions = options.run
        if options.clockStart != nil { runOptions.now = clock.epoch }
        runOptions.stateLockLease = workers.lease
        let busySets = workers.busySets(generation: generation)
        let ready = due.subtracting(busySets)
        deferred.formUnion(due.intersection(busySets))
        // A set under `su` changes the process's identity for every thread: its run is alone.
        let su = ready.filter { configuration.logSets[$0].su != nil }
        var jobs = targets.jobs(of: ready.subtracting(su), slots: max(1, workers.limit - workers.count)).map { (sets: $0, exclusive: false) }
        if !su.isEmpty { jobs.append((su.sorted(), true)) }
        for (sets, exclusive) in jobs {
            guard !workers.isFull, !workers.hasExclusive, !(exclusive && !workers.isEmpty) else {
                deferred.formUnion(sets)
                continue
            }
            let members = targets.closure(of: Set(sets))
            var subset = Configuration()
            subset.logSets = members.map { configuration.logSets[$0] }
            subset.filesRead = configuration.filesRead
            var jobOptions = runOptions
            jobOptions.onlySets = Set(members.indices.filter { sets.contains(members[$0]) })
            let job = WatchWorkers.Job(due: Set(sets), members: members, names: sets.map(name),
                                       generation: generation, started: now, exclusive: exclusive)
            let (logger, observer) = (self.logger, self.observer)
            workers.start(job) { [jobOptions, subset] in Runner(options: jobOptions, logger: logger, observer: observer).run(subset) }
        }
    }

    /// A run that ended: its sets' pace, the watcher's record for `status`, an `acted` event, and the
    /// sets that waited for it dirty again.
    func finished(_ done: WatchWorkers.Finished) {
        let report = done.report
        if done.job.generation == generation {
            for set in done.job.due { pace.ran(set, at: done.job.started, failed: report.exitStatus == .setFailed) }
        }
        dirty.formUnion(deferred)
        deferred = []
        try? file?.record(acted: clock.epoch)
        let count = done.job.due.count
        notice(WatchEvent(.acted, nil, "ran \(count) log set\(count == 1 ? "" : "s") (exit status \(report.exitStatus.rawValue))",
                          sets: done.job.names, exitStatus: report.exitStatus, seconds: report.seconds))
    }

    /// SIGHUP: the configuration read again; one with an error leaves the old one in use.
    func reload() {
        let next = load()
        let errors = next.errors
        guard errors.isEmpty else {
            let why = errors.map(\.description).joined(separator: "; ")
            notice(WatchEvent(.error, .watchConfigKept, "configuration not reloaded, the previous one stays in use: \(why)"))
            return
        }
        configuration = next
        generation += 1
        deferred = []
        pace.reset()
        boundaries = [:]
        held = [:]
        rescan()
        notice(WatchEvent(.reloaded, nil, "configuration reloaded: \(next.logSets.count) log sets in \(watchOf.count) directories"))
    }

    func name(_ set: Int) -> String { configuration.logSets[set].patterns.joined(separator: " ") }

    static func seconds(_ s: Double) -> String { s < 1 ? "\(Int((s * 1000).rounded())) ms" : "\((s * 10).rounded() / 10) s" }

    func tellSystemd(_ state: String) {
        guard let systemd else { return }
        do throws(SystemError) { try systemd.send(state) } catch {
            notice(WatchEvent(.warning, .watchFailed, "systemd not told \(state.split(separator: "\n").first ?? ""): \(error)"))
        }
    }
}
