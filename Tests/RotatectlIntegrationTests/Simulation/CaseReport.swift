import Foundation

/// A failing case written out so that another engineer can paste it: the command that plays it again,
/// the case, its configuration, the files before and after, the fault, the writers and every run's output.
struct CaseReport {
    let c: SimCase
    let layout: CaseLayout
    let outcome: CaseOutcome
    let violations: [Violation]
    let options: SimulationOptions

    var summary: String {
        "seed \(c.seed): " + Set(violations.map(\.kind.rawValue)).sorted().joined(separator: ", ") + " — " + fault
            + "\n  reproduce: " + options.reproduction(c.seed)
    }

    var fault: String {
        switch c.fault {
        case .none: return "no fault"
        case .crash(_, let recovery):
            return "crash at point \(outcome.crashAt ?? 0) of \(outcome.points) (ROTATECTL_CRASH_AT=\(outcome.crashAt ?? 0))"
                + (recovery.map { ", recovery crashed at point \($0)" } ?? "")
        case .kill: return "SIGKILL after \(outcome.killAfterMicroseconds ?? 0) µs"
        case .overlap(let pre): return "second run while the first is held in its \(pre ? "prerotate" : "postrotate") script"
            + (outcome.overlapped ? "" : " (not reached)")
        }
    }

    var text: String {
        var out = ["==== SIMULATION VIOLATION, seed \(c.seed) (dimensions \(options.dimensionsText)) ===="]
        out.append("reproduce: \(options.reproduction(c.seed))")
        out.append("fault: \(fault)")
        out.append("case: mode \(c.mode.rawValue), \(c.trigger.rawValue), rotate \(c.rotate)"
                   + (c.compress ? ", compress" : "") + (c.delaycompress ? ", delaycompress" : "")
                   + (c.olddir ? ", olddir" + (c.createolddir ? "+createolddir" : "") : "") + (c.dateext ? ", dateext" : "")
                   + (c.su ? ", su \(layout.user.name)" : "") + (c.userOwnedDirectory ? ", directory owned by \(layout.user.name)" : "")
                   + (c.pidfile ? ", pidfile+signal \(c.signal)" : "") + (c.deafWriter ? ", DEAF writer" : "")
                   + (c.maxtotalsize ? ", maxtotalsize" : "") + (c.shred ? ", shred" : "")
                   + (c.retentionMayDrop ? " (retention may drop old lines)" : ""))
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
            out.append("    \(log.id) (\(log.name.count)-byte name): \(s.map(String.init(describing:)) ?? "no status"); live inode \(outcome.initialInodes[i].map(String.init) ?? "-") -> \(i < outcome.stoppedInodes.count ? outcome.stoppedInodes[i].map(String.init) ?? "-" : "-")")
        }
        if !outcome.notes.isEmpty { out.append("notes: " + outcome.notes.joined(separator: "; ")) }
        out.append("runs:")
        out += outcome.runs.map { "  " + $0.description.replacingOccurrences(of: layout.root.path, with: "ROOT") }
        out.append("==== end of seed \(c.seed) ====")
        return out.joined(separator: "\n")
    }
}
