import Testing
import TestSupport
@testable import RotationEngine

/// Which compress steps may start during a set's renames, and when each is released.
@Suite struct EarlyCompressionTests {
    typealias W = PlannerWorld

    /// `count` logs `/var/log/mN.log`, all due.
    static func world(_ count: Int) -> W {
        var w = W()
        w.directory("/var/log")
        for i in 0..<count { w.file("/var/log/m\(i).log", size: 10) }
        return w
    }

    static func early(_ c: LogSetConfig, _ w: W = world(20), minimum: Int = 16) -> EarlyCompression? {
        let plan = w.plan(c)
        return EarlyCompression(units: plan.units, plan: plan, config: c, minimum: minimum)
    }

    static func set(_ edit: (inout LogSetConfig) -> Void = { _ in }) -> LogSetConfig {
        logSet(["/var/log/*.log"]) { c in
            c.rotate = 2
            c.compress = true
            c.size = 1
            edit(&c)
        }
    }

    static let script = Script(text: "true", location: SourceLocation(file: "/etc/rotatectl.conf", line: 2))

    @Test func aPlainCompressingSetStartsEachLogAfterItsOwnRenames() throws {
        let c = Self.set()
        let plan = Self.world(20).plan(c)
        let e = try #require(Self.early(c))
        #expect(e.steps == plan.units.flatMap { $0.logs.flatMap(\.finishSteps) })
        #expect(e.steps.count == 20)
        #expect(e.unitOf == Array(0..<20))
        #expect(e.releaseAfter == e.unitOf)
        var gate = e
        for id in 0..<20 {
            let done = gate.unitDone(id, ok: true)
            #expect(done.released == id + 1)
            #expect(done.cancelling.isEmpty)
        }
    }

    @Test func aFailedLogsStepsAreCancelledAndTheOthersGoOn() throws {
        var gate = try #require(Self.early(Self.set()))
        _ = gate.unitDone(0, ok: true)
        let failed = gate.unitDone(1, ok: false)
        #expect(failed.released == 2)
        #expect(failed.cancelling == [1])
        let next = gate.unitDone(2, ok: true)
        #expect(next.released == 3)
        #expect(next.cancelling.isEmpty, "a cancellation is reported once")
    }

    /// Each thing that may stand between a log's renames and its compression.
    static func add(_ what: String, to c: inout LogSetConfig) {
        switch what {
        case "postrotate": c.postRotate = script
        case "preremove": c.preRemove = script
        case "pidfile": c.pidFiles = ["/run/app.pid"]
        case "renamecopy": c.mode = .renameCopy
        case "su": c.su = (uid: 1000, gid: 1000)
        default: c.oldDir = "/var/log/old"; c.createOldDir = CreateSpec()   // an olddir to create
        }
    }

    @Test(arguments: ["postrotate", "preremove", "pidfile", "renamecopy", "su", "createolddir"])
    func whatStandsBetweenRenamesAndCompressionKeepsItWaiting(_ what: String) {
        #expect(Self.early(Self.set()) != nil)
        #expect(Self.early(Self.set { Self.add(what, to: &$0) }) == nil, "\(what)")
    }

    @Test func aSmallOrUncompressedSetIsNotStartedEarly() {
        #expect(Self.early(Self.set(), Self.world(15)) == nil)
        #expect(Self.early(Self.set(), Self.world(16)) != nil)
        #expect(Self.early(Self.set { $0.compress = false }) == nil)
    }

    /// Two logs of one set whose names meet (`*` matching `a` and `a.1`): a's output is not started
    /// before the unit that renames `a.1` has run.
    @Test func aStepWhoseNamesALaterLogRenamesWaitsForIt() throws {
        var c = Self.set { $0.patterns = ["/var/log/*"] }
        c.delayCompress = false
        var w = Self.world(0)
        w.file("/var/log/a", size: 10)
        w.file("/var/log/a.1", size: 10)
        let plan = w.plan(c)
        let e = try #require(EarlyCompression(units: plan.units, plan: plan, config: c, minimum: 1))
        let paths = plan.units.map { $0.logs.map(\.path) }
        #expect(paths == [["/var/log/a"], ["/var/log/a.1"]])
        // a: a.1 -> a.2 (the generation), a -> a.1, compress a.1; a.1: a.1 -> a.1.1, compress a.1.1.
        #expect(e.steps.first == .compress(source: "/var/log/a.1", destination: "/var/log/a.1.gz"))
        #expect(e.releaseAfter.first == 1, "unit 1 renames /var/log/a.1 too")
        var gate = e
        #expect(gate.unitDone(0, ok: true).released == 0)
        #expect(gate.unitDone(1, ok: true).released == e.steps.count)
    }
}

/// The compression pipeline started gated: workers take only what is released.
@Suite struct GatedPipelineTests {
    final class Seen: @unchecked Sendable {
        private let lock = ConditionLock()
        private var indices = Set<Int>()
        func add(_ i: Int) { lock.withLock { _ = indices.insert(i) } }
        var all: Set<Int> { lock.withLock { indices } }
    }

    @Test(arguments: [1, 2, 3])
    func workersTakeOnlyReleasedJobsAndSkipCancelledOnes(workers: Int) {
        let seen = Seen()
        let pipeline = BatchPipeline<Int>.start(count: 30, workers: workers, chunk: 4, released: 0, cancelled: -1,
                                                work: { i, _ in seen.add(i); return i * 10 })
        if workers > 1 {
            // Held: nothing runs, however long the workers wait.
            #expect(!eventually(timeout: 0.2) { !seen.all.isEmpty }, "\(seen.all)")
            pipeline.release(upTo: 5, cancelling: [2])
            #expect(eventually { seen.all == [0, 1, 3, 4] }, "\(seen.all)")
            #expect(!eventually(timeout: 0.2) { seen.all.count > 4 }, "ran beyond the release: \(seen.all)")
        } else {
            pipeline.release(upTo: 5, cancelling: [2])
            #expect(seen.all.isEmpty, "one worker runs jobs only when committing")
        }
        pipeline.release(upTo: 3, cancelling: [7])   // a lower release changes nothing; 7 is cancelled ahead
        var outputs: [Int] = []
        pipeline.commit { _, chunk in outputs += chunk }
        #expect(outputs == (0..<30).map { $0 == 2 || $0 == 7 ? -1 : $0 * 10 })
        #expect(seen.all == Set(0..<30).subtracting([2, 7]))
    }
}
