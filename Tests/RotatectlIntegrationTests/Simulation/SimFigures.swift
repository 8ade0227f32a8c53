import Foundation

/// What a simulation did and found, printed at the end (and by scripts/simulate.sh).
struct SimFigures: CustomStringConvertible {
    var scenarios = 0
    /// Runs stopped at a crash point or by a real SIGKILL.
    var kills = 0
    var crashStops = 0
    var sigkills = 0
    var overlaps = 0
    /// Overlaps whose run B kept its own state file (not stopped by the state lock).
    var separateStateOverlaps = 0
    /// Of those, the ones in which run B did not exit 3 (it went past the state lock to the directories),
    /// and those in which it renamed, copied or compressed files (`-v`) while A was held.
    var separateStateActing = 0
    var separateStateRenamed = 0
    var hostilePlants = 0
    /// Cases with `mail` and a plant at a generation's name (symbolic link, hard link, FIFO).
    var mailPlantCases = 0
    /// Mails sent in those cases, all read by the invariant.
    var mailPlantMails = 0
    /// Planted names in those cases that came up for mailing: refused (a link, a FIFO), or a hard link
    /// to the victim's file given to the mail command.
    var plantsRefusedForMail = 0
    var hardLinksGivenToMail = 0
    var hardLinksSetApart = 0
    /// Overlaps with run A held in its compressor: with run B on its own state file, B rotating a log of
    /// another set of A's directory meanwhile, A SIGKILLed while held.
    var compressorHolds = 0
    var compressorHoldSeparateState = 0
    var compressorHoldOtherSetRotated = 0
    var compressorHoldKills = 0
    /// watch cases: watchers started, SIGKILLed, their runs and the live logs they rotated; runs from cron
    /// beside them, and those not turned away busy.
    var watchCases = 0
    var watchersStarted = 0
    var watcherKills = 0
    var watcherRuns = 0
    var watcherRotations = 0
    var cronRuns = 0
    var cronRunsActing = 0
    var zstdCases = 0
    /// Runs of zstd cases stopped at a crash point or by a SIGKILL.
    var zstdStops = 0
    var linesChecked = 0
    var failingCases = 0
    var violations = 0
    var byKind: [String: Int] = [:]
    /// Failing seeds, per violation kind.
    var seedsByKind: [String: [UInt64]] = [:]
    var seconds = 0.0
    /// Scenarios and failing ones, per fault and per feature (hostile, su, long names, deaf, copy modes).
    var played: [String: Int] = [:]
    var failed: [String: Int] = [:]

    mutating func add(_ c: SimCase, _ outcome: CaseOutcome, _ found: [Violation], lines: Int) {
        scenarios += 1
        if case .crash = c.fault { crashStops += outcome.stops } else { sigkills += outcome.stops }
        kills += outcome.stops
        var inScript = false
        if case .overlap = c.fault { inScript = outcome.overlapped }
        if inScript { overlaps += 1 }
        if case .compressorHold = c.fault, outcome.overlapped {
            compressorHolds += 1
            if c.separateState { compressorHoldSeparateState += 1 }
            if outcome.bRotatedAnotherSet { compressorHoldOtherSetRotated += 1 }
            if outcome.killedInCompressor { compressorHoldKills += 1 }
        }
        if case .watch = c.fault {
            watchCases += 1
            watchersStarted += outcome.watchersStarted
            watcherKills += outcome.watcherKills
            watcherRuns += outcome.watcherRuns
            watcherRotations += outcome.watcherRotations
            cronRuns += outcome.cronRuns
            cronRunsActing += outcome.cronRunsActing
        }
        if inScript && c.separateState {
            separateStateOverlaps += 1
            if outcome.runs.contains(where: { $0.label.hasPrefix("run B") && $0.status != 3 }) { separateStateActing += 1 }
            let steps = ["rename ", "copy ", "copytruncate ", "compress "]
            let b = outcome.runs.first { $0.label.hasPrefix("run B") }
            // Only a B that ended before A was let go did it while A was held (a B that waited for A's
            // journal renamed after A's release).
            if let b, outcome.bEndedWhileHeld, b.output.split(separator: "\n").contains(where: { line in steps.contains { line.hasPrefix($0) } }) {
                separateStateRenamed += 1
            }
        }
        if c.mail && c.plants.contains(where: \.isAtGenerationName) {
            mailPlantCases += 1
            mailPlantMails += outcome.mails
            plantsRefusedForMail += outcome.plantsRefusedForMail
            hardLinksGivenToMail += outcome.hardLinksGivenToMail
            hardLinksSetApart += outcome.hardLinksSetApart
        }
        if c.compressor == .zstd {
            zstdCases += 1
            zstdStops += outcome.stops
        }
        hostilePlants += c.plants.count
        linesChecked += lines
        violations += found.count
        if !found.isEmpty { failingCases += 1 }
        for tag in Self.tags(c) {
            played[tag, default: 0] += 1
            if !found.isEmpty { failed[tag, default: 0] += 1 }
        }
        for kind in Set(found.map(\.kind.rawValue)) {
            byKind[kind, default: 0] += 1
            seedsByKind[kind, default: []].append(c.seed)
        }
    }

    /// What a case exercised, for the per-dimension lines.
    static func tags(_ c: SimCase) -> [String] {
        var tags: [String]
        switch c.fault {
        case .none: tags = ["fault none"]
        case .crash: tags = ["fault crash"]
        case .kill: tags = ["fault kill"]
        case .overlap: tags = ["fault overlap"]
        case .compressorHold(let killA, let bWaits):
            tags = ["fault compressor hold"]
            if c.separateState { tags.append("compressor hold own state") }
            if killA { tags.append("compressor hold killed") }
            if bWaits { tags.append("compressor hold B waits") }
        case .watch(let plan):
            tags = ["fault watch"]
            if plan.kills > 0 { tags.append("watch killed") }
            if plan.crons > 0 { tags.append("watch+cron") }
        }
        if c.sets.count > 1 { tags.append("stanzas") }
        if !c.plants.isEmpty { tags.append("hostile") }
        if c.su { tags.append("su") }
        if c.logs.contains(where: { $0.name.utf8.count > 200 }) { tags.append("longnames") }
        if c.deafWriter { tags.append("deaf") }
        if c.mode == .copy || c.mode == .copytruncate { tags.append("copy") }
        if c.mail { tags.append("mail") }
        if c.mail && c.plants.contains(where: \.isAtGenerationName) { tags.append("mail+plant") }
        if c.compressor == .zstd { tags.append("zstd") }
        if c.hole > 0 { tags.append("sparse") }
        if case .overlap = c.fault, c.separateState { tags.append("overlap own state") }
        if c.logs.contains(where: { !$0.staleTemps.isEmpty || $0.existing.contains(where: \.setAside) }) { tags.append("leftovers") }
        return tags
    }

    var description: String {
        var text = """
            rotatectl simulation: \(scenarios) scenarios in \(Int(seconds)) s
              kills: \(kills) (\(crashStops) at crash points, \(sigkills) real SIGKILLs)
              overlaps: \(overlaps) (\(separateStateOverlaps) with run B on its own state file, \(separateStateActing) of them with B past the state lock, \(separateStateRenamed) with B rotating while A was held)
              hostile plants: \(hostilePlants)
              mail with a plant at a generation's name: \(mailPlantCases) cases, \(mailPlantMails) mails read, planted names up for mailing: \(plantsRefusedForMail) refused, \(hardLinksGivenToMail) hard links given to the mail command; \(hardLinksSetApart) warnings of a hard-linked generation neither compressed nor mailed
              held in compression: \(compressorHolds) overlaps (\(compressorHoldSeparateState) with run B on its own state file, \(compressorHoldOtherSetRotated) with B rotating another set of A's directory while A was held), \(compressorHoldKills) runs A SIGKILLed while held
              watch: \(watchCases) scenarios, \(watchersStarted) watchers started, \(watcherKills) SIGKILLed, \(watcherRuns) watcher runs rotating \(watcherRotations) logs, \(cronRuns) runs from cron beside them (\(cronRunsActing) not turned away busy)
              zstd: \(zstdCases) cases, \(zstdStops) runs stopped at crash points or killed
              lines checked: \(linesChecked)
              violations: \(violations) in \(failingCases) failing scenarios
            """
        // On lines of at most 100 characters: one line of 252 was once read cut at its 250th, "zstd 0/1"
        // of "zstd 0/146", and taken for a miscount.
        var line = "  failing/played:"
        for (i, tag) in played.keys.sorted().map({ "\($0) \(failed[$0] ?? 0)/\(played[$0] ?? 0)" }).enumerated() {
            if i > 0 { line += "," }
            if line.count + tag.count + 1 > 100 {
                text += "\n" + line
                line = "   "
            }
            line += " " + tag
        }
        text += "\n" + line
        for kind in byKind.keys.sorted() {
            let seeds: [UInt64] = seedsByKind[kind] ?? []
            let shown: String = seeds.prefix(12).map { "\($0)" }.joined(separator: ",")
            let more: String = seeds.count > 12 ? ",..." : ""
            text += "\n    \(kind): \(byKind[kind] ?? 0) scenarios, seeds \(shown)\(more)"
        }
        return text
    }
}
