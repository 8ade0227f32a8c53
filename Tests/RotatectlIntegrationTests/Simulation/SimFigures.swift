import Foundation

/// What a simulation did and found, printed at the end (and by scripts/simulate.sh).
struct SimFigures: CustomStringConvertible {
    var scenarios = 0
    /// Runs stopped at a crash point or by a real SIGKILL.
    var kills = 0
    var crashStops = 0
    var sigkills = 0
    var overlaps = 0
    var hostilePlants = 0
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
        if case .kill = c.fault { sigkills += outcome.stops } else { crashStops += outcome.stops }
        kills += outcome.stops
        if outcome.overlapped { overlaps += 1 }
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
        }
        if !c.plants.isEmpty { tags.append("hostile") }
        if c.su { tags.append("su") }
        if c.logs.contains(where: { $0.name.utf8.count > 200 }) { tags.append("longnames") }
        if c.deafWriter { tags.append("deaf") }
        if c.mode == .copy || c.mode == .copytruncate { tags.append("copy") }
        if c.logs.contains(where: { !$0.staleTemps.isEmpty || $0.existing.contains(where: \.setAside) }) { tags.append("leftovers") }
        return tags
    }

    var description: String {
        var text = """
            rotatectl simulation: \(scenarios) scenarios in \(Int(seconds)) s
              kills: \(kills) (\(crashStops) at crash points, \(sigkills) real SIGKILLs)
              overlaps: \(overlaps)
              hostile plants: \(hostilePlants)
              lines checked: \(linesChecked)
              violations: \(violations) in \(failingCases) failing scenarios
            """
        let tags: String = played.keys.sorted().map { "\($0) \(failed[$0] ?? 0)/\(played[$0] ?? 0)" }.joined(separator: ", ")
        text += "\n  failing/played: \(tags)"
        for kind in byKind.keys.sorted() {
            let seeds: [UInt64] = seedsByKind[kind] ?? []
            let shown: String = seeds.prefix(12).map { "\($0)" }.joined(separator: ",")
            let more: String = seeds.count > 12 ? ",..." : ""
            text += "\n    \(kind): \(byKind[kind] ?? 0) scenarios, seeds \(shown)\(more)"
        }
        return text
    }
}
