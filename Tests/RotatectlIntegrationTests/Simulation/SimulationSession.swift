import Foundation
import TestSupport

/// One simulation: plays cases, checks them, prints failing ones as reproductions, and keeps the figures.
final class SimulationSession {
    let options: SimulationOptions
    let runner: CaseRunner
    private(set) var figures = SimFigures()
    private(set) var failures: [String] = []
    private var fullReports: [String: Int] = [:]

    init(options: SimulationOptions) {
        self.options = options
        runner = CaseRunner(user: SimUser.shared, deadline: options.runTimeout, overlapHold: options.overlapHold)
    }

    /// Plays the case of `seed`; with `ROTATECTL_SIM_EVERY_POINT=1` a crash case is played again at every
    /// other crash point of its undisturbed run.
    func play(seed: UInt64) {
        var generator = CaseGenerator(seed: seed, dimensions: options.dimensions)
        let c = generator.generate(seed: seed)
        let first = play(c, crashAt: options.crashAt)
        guard case .crash = c.fault, options.everyPoint, options.crashAt == nil, first.points > 0 else { return }
        for k in 1...first.points where k != first.crashAt { _ = play(c, crashAt: k) }
    }

    private func play(_ c: SimCase, crashAt: Int?) -> CaseOutcome {
        let (layout, outcome) = runner.execute(c, crashAt: crashAt)
        let (violations, lines) = InvariantChecker(c: c, layout: layout, outcome: outcome).check()
        figures.add(c, outcome, violations, lines: lines)
        if !violations.isEmpty {
            let report = CaseReport(c: c, layout: layout, outcome: outcome, violations: violations, options: options,
                                    crashAtOverride: crashAt)
            // Full reports for the first few cases of each kind of violation; a line for the rest.
            let kinds = Set(violations.map(\.kind.rawValue))
            if options.seeds != nil || kinds.contains(where: { fullReports[$0, default: 0] < options.fullReports }) {
                for kind in kinds { fullReports[kind, default: 0] += 1 }
                print(report.text)
            } else {
                print("VIOLATION " + report.summary)
            }
            failures.append(report.summary)
        }
        if violations.isEmpty || !options.keep {
            layout.remove()
        } else {
            // A TempDirectory removes itself when released: this one stays for the person reading the report.
            layout.victim.stop()
            _ = Unmanaged.passRetained(layout)
            print("kept: \(layout.root.path)")
        }
        return outcome
    }

    func finish(_ seconds: Double) {
        figures.seconds = seconds
        print(figures)
        if let path = options.reportPath { TestFile.write(Array((figures.description + "\n").utf8), to: path) }
    }
}
