#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// Plays one case: probes an undisturbed copy for its crash points and duration when the fault needs
/// them, lays the case out, starts its writers, runs rotatectl under the fault, once more with the
/// writers live, stops them, and runs a last time.
struct CaseRunner {
    let user: SimUser
    let deadline: Double
    /// How long run A is held in its script or compressor while run B runs, at most.
    let overlapHold: Double

    func execute(_ c: SimCase, crashAt: Int? = nil) -> (CaseLayout, CaseOutcome) {
        var outcome = CaseOutcome()
        // Once a run of the case has hung (reported), the later ones get 5 s: they would hang the same way.
        var deadline = self.deadline
        var probeSeconds = 0.0
        switch c.fault {
        case .crash, .kill:
            let probe = CaseLayout(c, user: user, initialLines: true)
            probe.replacePidfiles()
            let count = probe.run + "/points"
            let r = RotatectlRun.run("probe", probe, environment: ["ROTATECTL_CRASH_COUNT": count], deadline: deadline)
            outcome.points = Int((TestFile.text(count) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            probeSeconds = r.seconds
            if r.hung {
                outcome.notes.append("the undisturbed probe run hung too")
                deadline = min(deadline, 5)
            }
            probe.remove()
        default:
            break
        }

        let layout = CaseLayout(c, user: user, initialLines: false)
        outcome.notes += layout.problems
        let script = layout.run + "/writer.py"
        TestFile.write(Array(LineWriter.script.utf8), to: script)
        var writers: [LineWriter?] = []
        for log in c.logs {
            let kind: LineWriter.Kind = c.writerReopens ? .reopen : c.deafWriter ? .deaf : .none
            let w = LineWriter(scriptPath: script, path: layout.logs + "/" + log.name, id: log.id,
                               pidfile: c.pidfile ? SimConfig.pidfile(c, log, logs: layout.logs, run: layout.run) : nil,
                               signal: c.pidfile ? c.signal : nil, kind: kind, burst: c.burst, hole: c.hole,
                               statusPath: layout.run + "/\(log.id).writer", output: layout.run + "/\(log.id).writer.out")
            if w == nil { outcome.notes.append("writer of \(log.id) did not start: " + (TestFile.text(layout.run + "/\(log.id).writer.out") ?? "")) }
            writers.append(w)
            outcome.initialInodes.append(inode(layout.logs + "/" + log.name))
        }
        layout.replacePidfiles()
        outcome.listingBefore = layout.listing()
        outcome.namesBefore = Set(FileManager.default.subpaths(atPath: layout.logs) ?? [])

        switch c.fault {
        case .none:
            outcome.runs.append(RotatectlRun.run("run 1", layout, deadline: deadline))
        case .crash(let fraction, let recovery):
            let k = crashAt ?? min(max(1, 1 + Int(fraction * Double(outcome.points))), max(outcome.points, 1))
            outcome.crashAt = k
            let r = RotatectlRun.run("run 1", layout, environment: ["ROTATECTL_CRASH_AT": String(k)], deadline: deadline)
            if r.status == 137 && !r.hung { outcome.stops += 1 }
            outcome.runs.append(r)
            if let recovery {
                let r2 = RotatectlRun.run("run 2 (recovery)", layout, environment: ["ROTATECTL_CRASH_AT": String(recovery)], deadline: deadline)
                if r2.status == 137 && !r2.hung { outcome.stops += 1 }
                outcome.runs.append(r2)
            }
        case .kill(let fraction):
            let delay = UInt32(min(fraction * probeSeconds, 5) * 1_000_000)
            outcome.killAfterMicroseconds = delay
            let started = RotatectlRun.Started("run 1", layout: layout, deadline: deadline)
            usleep(delay)
            let wasRunning = !started.poll()
            var r = started.kill()
            if wasRunning { outcome.stops += 1 } else { r.label += " (ended before the kill)" }
            outcome.runs.append(r)
        case .overlap:
            // A is held in its script while B runs: its deadline allows for B and for the hold.
            let a = RotatectlRun.Started("run A", layout: layout, deadline: 2 * deadline + 15)
            let inside = eventually(timeout: deadline, every: 0.005) { access(layout.run + "/inside", F_OK) == 0 || a.poll() }
                && access(layout.run + "/inside", F_OK) == 0
            if inside {
                outcome.overlapped = true
                // B runs while A is held; if B has not ended after `overlapHold` seconds, A is let go
                // (B may be waiting for it), and B still has its whole deadline.
                let label = c.separateState ? "run B (while A is in its script, own state file)" : "run B (while A is in its script)"
                let b = RotatectlRun.Started(label, layout: layout, deadline: deadline,
                                             state: c.separateState ? layout.stateB : nil, verbose: c.separateState)
                if eventually(timeout: overlapHold, every: 0.005, { b.poll() }) {
                    outcome.bEndedWhileHeld = true
                } else {
                    outcome.notes.append("run B had not ended \(overlapHold) s after it started; A was released then")
                }
                TestFile.write([], to: layout.run + "/release")
                let rb = b.finish()
                outcome.runs.append(a.finish())
                outcome.runs.append(rb)
            } else {
                outcome.notes.append("run A never entered its blocking script: no overlap")
                TestFile.write([], to: layout.run + "/release")
                outcome.runs.append(a.finish())
            }
        case .compressorHold(let killA, let bWaits):
            holdInCompressor(c, layout, killA: killA, bWaits: bWaits, deadline: deadline, &outcome)
        case .watch(let plan):
            watch(c, layout, plan, deadline: deadline, &outcome)
        }

        if outcome.runs.contains(where: \.hung) { deadline = min(deadline, 5) }
        outcome.runs.append(RotatectlRun.run("clean run, writers live", layout, deadline: deadline))
        outcome.journalsAfterCleanRun = journals(layout.logs, "")
        usleep(50_000)
        for (i, w) in writers.enumerated() {
            let status = w?.stop()
            if w != nil && status == nil {
                outcome.notes.append("writer of \(c.logs[i].id) left no status: " + (TestFile.text(layout.run + "/\(c.logs[i].id).writer.out") ?? ""))
            }
            outcome.writers.append(status)
            outcome.stoppedInodes.append(inode(layout.logs + "/" + c.logs[i].name))
        }
        if outcome.runs.contains(where: \.hung) { deadline = min(deadline, 5) }
        // The mail command works again for the final run: what it kept is mailed at its next rotation.
        if c.mailFails { unlink(layout.run + "/mailfail") }
        outcome.runs.append(RotatectlRun.run("final clean run", layout, deadline: deadline))
        if c.mail {
            outcome.mails = ((try? FileManager.default.contentsOfDirectory(atPath: layout.run + "/mails")) ?? []).count
            // A link or FIFO is refused before the mail command; a planted hard link reaches it as itself.
            let victim = layout.victim.inodes()
            let given = (TestFile.text(layout.run + "/mail-inodes") ?? "").split(separator: "\n").compactMap { UInt64($0) }
            let refused = outcome.runs.flatMap { $0.output.split(separator: "\n") }.filter { $0.contains("for mailing") }
            outcome.plantsRefusedForMail = refused.count
            outcome.hardLinksGivenToMail = given.filter(victim.contains).count
            outcome.hardLinksSetApart = outcome.runs.flatMap { $0.output.split(separator: "\n") }.filter { $0.contains("hard links: neither compressed nor mailed") }.count
        }
        return (layout, outcome)
    }

    /// The journals below `dir` (relative names), not following links.
    func journals(_ dir: String, _ prefix: String) -> [String] {
        var out: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
            var st = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR { out += journals(dir + "/" + name, prefix + name + "/") }
            if name.hasPrefix(".rotatectl.journal") { out.append(prefix + name) }
        }
        return out
    }

    func inode(_ path: String) -> UInt64? {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}
