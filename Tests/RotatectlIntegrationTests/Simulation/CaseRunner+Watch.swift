#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

extension CaseRunner {
    /// A watcher instead of the first run, beside the live writers, for `plan.seconds`: SIGKILLed at the
    /// plan's moments (then started again, or not until a later `start`), runs from cron started beside it
    /// on the same state file; at the end SIGTERM (its runs finish, it exits). The clean runs that follow
    /// finish what a killed watcher left.
    func watch(_ c: SimCase, _ layout: CaseLayout, _ plan: SimWatch, deadline: Double, _ outcome: inout CaseOutcome) {
        let begin = Date()
        let logs = c.logs.map { layout.logs + "/" + $0.name }
        var current: SimWatcher?
        var crons: [RotatectlRun.Started] = []

        func start() {
            outcome.watchersStarted += 1
            let left = max(0, plan.seconds - Date().timeIntervalSince(begin))
            let w = SimWatcher("watcher \(outcome.watchersStarted)", layout: layout, minInterval: plan.minInterval,
                               deadline: left + deadline + 5)
            if w.awaitStart(timeout: 10) {
                current = w
            } else {
                // Refused (another watcher's lock outliving it?) or silent: a finding, with its output.
                var r = w.ended() ? w.started.finish() : w.kill()
                r.label += " (never said it started)"
                outcome.runs.append(r)
                outcome.watcherProblems.append("watcher \(outcome.watchersStarted) did not start within 10 s (status \(r.status))")
            }
        }

        /// The current watcher's end, as the harness ends it; one that ended on its own is a finding.
        func end(_ w: SimWatcher, killing: Bool) {
            if w.ended() {
                let r = w.started.finish()
                outcome.runs.append(r)
                outcome.watcherProblems.append("\(r.label) ended on its own with status \(r.status) before the harness ended it")
            } else if killing {
                outcome.runs.append(w.kill())
                outcome.watcherKills += 1
                outcome.stops += 1
            } else {
                let r = w.stop()
                outcome.runs.append(r)
                if r.status != 0 && !r.hung {
                    outcome.watcherProblems.append("\(r.label) exited \(r.status) after SIGTERM, not 0")
                }
            }
            let (runs, rotations) = SimWatcher.figures(outcome.runs.last?.output ?? "", logs: logs)
            outcome.watcherRuns += runs
            outcome.watcherRotations += rotations
        }

        start()
        for moment in plan.moments {
            let wait = begin.timeIntervalSinceNow + moment.at * plan.seconds
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            switch moment.event {
            case .kill(let restart):
                if let w = current {
                    end(w, killing: true)
                    current = nil
                }
                if restart { start() }
            case .start:
                if current == nil { start() }
            case .cron:
                crons.append(RotatectlRun.Started("run \(crons.count + 1) from cron beside the watcher", layout: layout,
                                                  deadline: deadline))
            }
        }
        let rest = begin.timeIntervalSinceNow + plan.seconds
        if rest > 0 { usleep(UInt32(rest * 1_000_000)) }
        if let w = current { end(w, killing: false) }
        for cron in crons {
            let r = cron.finish()
            if r.status != 3 { outcome.cronRunsActing += 1 }
            outcome.runs.append(r)
        }
        outcome.cronRuns += crons.count
    }
}
