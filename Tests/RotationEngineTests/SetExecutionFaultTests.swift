#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

/// A set execution driven directly, in-process, with errnos forced on its system calls (`SystemFaults`,
/// on this thread only): each failure ends in the outcome and event code it should, with the errno of
/// the call, and the files are as a person would want them: the log whole, nothing half done, and a
/// clean run afterwards rotating it exactly once.
@Suite(.serialized) struct SetExecutionFaultTests {
    /// What `SetExecution.run` came to and every event the run emitted.
    struct Result {
        var outcome: Outcome
        var events: [RunEvent]
        func errnos(_ code: EventCode) -> [Errno] { events.filter { $0.code == code }.compactMap(\.errno) }
        var codes: [EventCode] { events.compactMap(\.code) }
    }

    /// Plans the first set of `conf` (paths under `t`, `@DIR@` replaced) and executes it, forced
    /// (`-f`), with the state file in `t`; then writes the state, as a run does.
    static func execute(_ t: TempDirectory, _ conf: String) -> Result {
        let text = conf.replacingOccurrences(of: "@DIR@", with: t.path)
        let configuration = ConfigParser(asRoot: true).parse(text: text, file: t.child("test.conf"))
        var options = RunOptions()
        options.statePath = t.child("state")
        options.force = true
        options.wait = 0
        let context = RunContext(options: options, logger: nil, observer: { _ in })
        let sets = configuration.logSets
        let snapshot = SnapshotReader().read(sets)
        let plans = Planner(context.input(sets, snapshot, context.currentState())).plan()
        guard let plan = plans.first, let config = sets.first else { return Result(outcome: Outcome(), events: context.events) }
        let outcome = SetExecution(context: context, plan: plan, config: config).run()
        context.finishState()
        return Result(outcome: outcome, events: context.events)
    }

    static func lines(_ prefix: String, _ range: ClosedRange<Int>) -> String {
        range.map { "\(prefix) \($0)\n" }.joined()
    }

    static let plain = "@DIR@/logs/app.log {\n rotate 3\n create\n}\n"

    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-set-faults")
        t.write("logs/app.log", Self.lines("first", 1...200))
        return t
    }

    /// After a failure: a clean execution rotates the log exactly once, its lines whole.
    static func cleanRunRotatesOnce(_ t: TempDirectory, _ conf: String = plain) {
        let after = execute(t, conf)
        #expect(after.outcome == Outcome(), "\(after.events.map(\.message))")
        #expect(t.read("logs/app.log.1") == Self.lines("first", 1...200))
        #expect(!t.exists("logs/app.log.2") && !t.exists("logs/.rotatectl.journal"))
    }

    @Test func eioOnTheJournalsFsyncLeavesTheSetUntouched() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        SystemFaults.force("fsync", .ioError, path: "/logs/.rotatectl.journal")
        let r = Self.execute(t, Self.plain)
        SystemFaults.reset()
        #expect(r.outcome.failed && !r.outcome.busy)
        #expect(r.codes == [.journalUnwritable] && r.errnos(.journalUnwritable) == [.ioError], "\(r.events.map(\.message))")
        #expect(t.read("logs/app.log") == Self.lines("first", 1...200) && !t.exists("logs/app.log.1"))
        Self.cleanRunRotatesOnce(t)
    }

    @Test func enospcOnTheJournalsWriteGivesBackTheReserveAndRotates() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        t.write("logs/app.log", "older\n")
        _ = Self.execute(t, Self.plain)   // leaves the reserve
        #expect(t.exists("logs/.rotatectl.reserve"))
        t.write("logs/app.log", Self.lines("first", 1...200))
        SystemFaults.force("write", .noSpace, occurrence: .nth(1), path: "/logs/.rotatectl.journal")
        let r = Self.execute(t, Self.plain)
        SystemFaults.reset()
        #expect(r.outcome == Outcome(), "\(r.events.map(\.message))")
        #expect(r.codes == [.reserveUsed])
        #expect(t.read("logs/app.log.1") == Self.lines("first", 1...200) && t.read("logs/app.log.2") == "older\n")
    }

    @Test func exdevOnTheLogsRenameCancelsItsUnitAndKeepsTheLog() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        t.write("logs/app.log.1", "older\n")
        SystemFaults.force("renameat2", .improperLink, path: "/logs/app.log")
        let r = Self.execute(t, Self.plain)
        SystemFaults.reset()
        #expect(r.outcome.failed)
        #expect(r.codes == [.stepFailed] && r.errnos(.stepFailed) == [.improperLink], "\(r.events.map(\.message))")
        // The chain shift before it stands (older moved to .2); the log itself is whole and in place.
        #expect(t.read("logs/app.log") == Self.lines("first", 1...200))
        #expect(t.read("logs/app.log.2") == "older\n" && !t.exists("logs/app.log.1"))
        #expect(!t.exists("logs/.rotatectl.journal"), "a cancelled unit leaves nothing to replay")
        let after = Self.execute(t, Self.plain)
        #expect(after.outcome == Outcome(), "\(after.events.map(\.message))")
        #expect(t.read("logs/app.log.1") == Self.lines("first", 1...200) && t.read("logs/app.log.3") == "older\n")
    }

    @Test func epermOnSeteuidDoesNothingAsRootInstead() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        chown(t.child("logs"), 65534, 65534)
        chown(t.child("logs/app.log"), 65534, 65534)
        chmod(t.path, 0o755)
        let conf = "@DIR@/logs/app.log {\n su nobody nogroup\n rotate 3\n create\n}\n"
        SystemFaults.force("seteuid", .notPermitted, occurrence: .nth(1))
        let r = Self.execute(t, conf)
        SystemFaults.reset()
        #expect(r.outcome.failed)
        #expect(r.codes == [.privilegesFailed] && r.errnos(.privilegesFailed) == [.notPermitted], "\(r.events.map(\.message))")
        #expect(t.read("logs/app.log") == Self.lines("first", 1...200) && !t.exists("logs/app.log.1"))
        #expect(!t.exists("logs/.rotatectl.journal"))
        Self.cleanRunRotatesOnce(t, conf)
    }

    /// The directory's first fsync makes the new journal's name durable: failing, nothing is renamed.
    @Test func eioOnTheDirectorysFsyncForTheJournalLeavesTheSetUntouched() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        SystemFaults.force("fsync", .ioError, occurrence: .nth(1), path: t.child("logs"))
        let r = Self.execute(t, Self.plain)
        SystemFaults.reset()
        #expect(r.outcome.failed)
        #expect(r.codes == [.journalUnwritable] && r.errnos(.journalUnwritable) == [.ioError], "\(r.codes) \(r.events.map(\.message))")
        #expect(t.read("logs/app.log") == Self.lines("first", 1...200) && !t.exists("logs/app.log.1"))
        Self.cleanRunRotatesOnce(t)
    }

    /// The second makes the renames durable: failing, the run fails, and what was renamed stays whole.
    @Test func eioOnTheDirectorysFsyncAfterTheRenamesIsReportedAndNothingIsLost() {
        let t = Self.tree()
        defer { SystemFaults.reset(); t.remove() }
        SystemFaults.force("fsync", .ioError, occurrence: .nth(2), path: t.child("logs"))
        let r = Self.execute(t, Self.plain)
        SystemFaults.reset()
        #expect(r.outcome.failed)
        #expect(r.codes == [.syncFailed] && r.errnos(.syncFailed) == [.ioError], "\(r.codes) \(r.events.map(\.message))")
        #expect(t.read("logs/app.log.1") == Self.lines("first", 1...200) && t.read("logs/app.log") == "")
    }
}
