#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

extension CaseRunner {
    /// Run A is held in its compressor (`HoldCompressor`), after its renames, with its directory lock
    /// released and its journal held; run B runs meanwhile (`-v`, on its own state file when the case
    /// says so, else stopped by the state file's lock). With `killA`, A is SIGKILLed while still held,
    /// then its compressor is let go (it lives on as an orphan and ends as gzip), and the next run must
    /// finish A's journal.
    func holdInCompressor(_ c: SimCase, _ layout: CaseLayout, killA: Bool, bWaits: Bool, deadline: Double,
                          _ outcome: inout CaseOutcome) {
        let hold = HoldCompressor(run: layout.run)
        let a = RotatectlRun.Started("run A", layout: layout, deadline: 2 * deadline + 15)
        let inside = eventually(timeout: deadline, every: 0.005) { hold.isInside || a.poll() } && hold.isInside
        guard inside else {
            outcome.notes.append("run A never reached its compressor: no overlap")
            hold.letGo()
            outcome.runs.append(a.finish())
            return
        }
        outcome.overlapped = true
        outcome.heldSource = hold.held()?.source
        let label = "run B (while A is in its compressor" + (c.separateState ? ", own state file" : "") + (bWaits ? ")" : ", --wait 0)")
        let b = RotatectlRun.Started(label, layout: layout, deadline: deadline, state: c.separateState ? layout.stateB : nil,
                                     verbose: true, extra: bWaits ? [] : ["--wait", "0"])
        if eventually(timeout: overlapHold, every: 0.005, { b.poll() }) {
            outcome.bEndedWhileHeld = true
        } else {
            outcome.notes.append("run B had not ended \(overlapHold) s after it started; A was released then")
        }
        var ra: RotatectlRun
        if killA && !a.poll() {
            ra = a.kill()
            ra.label += " (SIGKILLed while held in its compressor)"
            outcome.stops += 1
            outcome.killedInCompressor = true
            hold.letGo()
        } else {
            if killA { outcome.notes.append("run A ended before it could be killed in its compressor") }
            hold.letGo()
            ra = a.finish()
        }
        let rb = b.finish()
        outcome.runs.append(ra)
        outcome.runs.append(rb)
        // Only a B that ended before A was let go did all it did while A was held.
        outcome.bRotatedAnotherSet = outcome.bEndedWhileHeld
            && Self.rotatedAnotherSet(c, layout, heldSource: outcome.heldSource, output: rb.output)
        // The orphan, let go, ends as gzip at once: the clean run may meet it, but the check must not.
        if outcome.killedInCompressor && !hold.awaitOrphan(timeout: 10) {
            outcome.notes.append("the compressor of the killed run A was still alive 10 s after it was let go")
        }
    }

    /// Whether run B's steps (`-v`: `rename SOURCE -> ...`, `copy ...`, `copytruncate ...`) rotated a log
    /// of a stanza other than the one whose file A's compressor held.
    static func rotatedAnotherSet(_ c: SimCase, _ layout: CaseLayout, heldSource: String?, output: String) -> Bool {
        guard let heldSource, let held = stanza(of: heldSource, c) else { return false }
        let verbs = ["rename ", "copy ", "copytruncate "]
        for line in output.split(separator: "\n") {
            guard let verb = verbs.first(where: { line.hasPrefix($0) }) else { continue }
            let source = line.dropFirst(verb.count).split(separator: " ").first.map(String.init) ?? ""
            guard source.hasPrefix(layout.logs + "/"), let s = stanza(of: source, c) else { continue }
            if s != held { return true }
        }
        return false
    }

    /// The stanza naming the log whose file (live log, generation, temporary name) `path` is.
    static func stanza(of path: String, _ c: SimCase) -> Int? {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        guard let log = c.logs.indices.filter({ base.hasPrefix(c.logs[$0].name) }).max(by: { c.logs[$0].name.count < c.logs[$1].name.count })
        else { return nil }
        return c.sets.firstIndex { $0.contains(log) }
    }
}
