import Foundation
import TestSupport

/// A failing case written out so that another engineer can paste it: the command that plays it again,
/// the case, its configuration, the files before and after, the fault, the writers and every run's output.
struct CaseReport {
    let c: SimCase
    let layout: CaseLayout
    let outcome: CaseOutcome
    let violations: [Violation]
    let options: SimulationOptions
    /// The crash point imposed instead of the drawn one.
    let crashAtOverride: Int?

    var summary: String {
        let kinds: String = Set(violations.map(\.kind.rawValue)).sorted().joined(separator: ", ")
        return "seed \(c.seed): \(kinds) — \(fault)\n  reproduce: \(options.reproduction(c.seed, crashAt: crashAtOverride))"
    }

    var fault: String {
        switch c.fault {
        case .none: return "no fault"
        case .crash(_, let recovery):
            let k: Int = outcome.crashAt ?? 0
            let then: String = recovery.map { ", recovery crashed at point \($0)" } ?? ""
            return "crash at point \(k) of \(outcome.points) (ROTATECTL_CRASH_AT=\(k))\(then)"
        case .kill: return "SIGKILL after \(outcome.killAfterMicroseconds ?? 0) µs"
        case .overlap(let pre):
            let script: String = pre ? "prerotate" : "postrotate"
            let reached: String = outcome.overlapped ? "" : " (not reached)"
            let state: String = c.separateState ? ", on its own state file" : ""
            return "second run while the first is held in its \(script) script\(state)\(reached)"
        case .compressorHold(let killA, let bWaits):
            let reached: String = outcome.overlapped ? "" : " (not reached)"
            let state: String = c.separateState ? ", on its own state file" : ""
            let held: String = outcome.heldSource.map { " (compressing \($0.replacingOccurrences(of: layout.root.path, with: "ROOT")))" } ?? ""
            let killed: String = killA ? (outcome.killedInCompressor ? "; the first SIGKILLed while held, then its compressor let go" : "; the first to be SIGKILLed while held (it ended before)") : ""
            let waits: String = bWaits ? " (waiting for locks, --wait 60)" : " (--wait 0)"
            return "second run\(waits) while the first is held in its compressor\(held)\(state)\(reached)\(killed)"
        case .watch(let plan):
            return "rotatectl watch instead of the first run: \(plan.description)"
        }
    }

    /// The case's choices, in words.
    var features: [String] {
        var f: [String] = ["mode \(c.mode.rawValue)", c.trigger.rawValue, "rotate \(c.rotate)"]
        if c.compress { f.append(c.compressor == .zstd ? "compress (compressformat zstd)" : "compress") }
        if c.delaycompress { f.append("delaycompress") }
        if c.olddir { f.append(c.createolddir ? "olddir+createolddir" : "olddir") }
        if c.dateext { f.append("dateext") }
        if c.su { f.append("su \(layout.user.name)") }
        if c.userOwnedDirectory { f.append("directory owned by \(layout.user.name)") }
        if c.pidfile { f.append("pidfile+signal \(c.signal)") }
        if c.deafWriter { f.append("DEAF writer") }
        if c.hole > 0 { f.append("a \(c.hole)-byte hole after the burst") }
        if c.maxtotalsize { f.append("maxtotalsize") }
        if c.shred { f.append("shred") }
        if c.mail { f.append(c.mailFails ? "mail (failing until the final run)" : "mail") }
        if c.sharedscripts { f.append("sharedscripts") }
        if c.prerotate { f.append("prerotate") }
        if c.postrotate { f.append("postrotate") }
        if c.logs.contains(where: { $0.name.count > 200 }) { f.append("long names \(c.logs.map(\.name.count))") }
        if c.sets.count > 1 { f.append("\(c.sets.count) stanzas in one directory: " + c.sets.map { $0.map { c.logs[$0].id }.joined(separator: "+") }.joined(separator: ", ")) }
        if c.retentionMayDrop { f.append("(retention may drop old lines)") }
        return f
    }

    var text: String {
        var out = ["==== SIMULATION VIOLATION, seed \(c.seed) (dimensions \(options.dimensionsText)) ===="]
        out.append("reproduce: \(options.reproduction(c.seed, crashAt: crashAtOverride))")
        out.append("fault: \(fault)")
        out.append("case: " + features.joined(separator: ", "))
        if !c.plants.isEmpty { out.append("hostile plants: \(c.plants)") }
        out.append("violations:")
        out += violations.map { "  - \($0)" }
        out.append("config (ROOT = \(layout.root.path)):")
        out += (TestFile.text(layout.config) ?? "").replacingOccurrences(of: layout.root.path, with: "ROOT")
            .split(separator: "\n").map { "    " + $0 }
        out.append("files under ROOT/logs before the first run (writers' bursts written):")
        out += outcome.listingBefore.map { "    " + $0 }
        out.append("files under ROOT/logs at the end:")
        out += layout.listing().map { "    " + $0 }
        out.append("writers:")
        for (i, log) in c.logs.enumerated() {
            let s = i < outcome.writers.count ? outcome.writers[i] : nil
            let said: String = s.map { "\($0)" } ?? "no status"
            let before: String = outcome.initialInodes[i].map { "\($0)" } ?? "-"
            let after: String = i < outcome.stoppedInodes.count ? (outcome.stoppedInodes[i].map { "\($0)" } ?? "-") : "-"
            out.append("    \(log.id) (\(log.name.count)-byte name): \(said); live inode \(before) -> \(after)")
        }
        if !outcome.notes.isEmpty { out.append("notes: " + outcome.notes.joined(separator: "; ")) }
        out.append("runs:")
        out += outcome.runs.map { "  " + $0.description.replacingOccurrences(of: layout.root.path, with: "ROOT") }
        out.append("==== end of seed \(c.seed) ====")
        return out.joined(separator: "\n")
    }
}
