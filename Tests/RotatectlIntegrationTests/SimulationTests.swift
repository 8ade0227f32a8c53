#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A simulation in the spirit of SQLite's crash tests and FoundationDB's simulator (issue 16): generated
/// log sets with live numbered-line writers, rotated under crashes at every point, real SIGKILLs,
/// overlapping runs and hostile files, then checked: every line once, every .gz valid, nothing outside
/// the set touched, writers signalled, no run hung, the state complete, nothing temporary left.
///
/// Short mode (this test in `swift test`): seeds from 1 for `ROTATECTL_SIM_SECONDS` (default 120);
/// long mode: `scripts/simulate.sh --minutes 60 [--seed S]`. Knobs: `SimulationOptions`.
@Suite(.serialized) struct SimulationTests {
    @Test func everyLineOnceUnderCrashesOverlapsAndHostileFiles() {
        #expect(getuid() == 0, "the simulation plants files as another user and runs su sets: it needs root")
        guard getuid() == 0 else { return }
        let options = SimulationOptions.fromEnvironment()
        let runner = CaseRunner(user: SimUser.shared, deadline: options.runTimeout, overlapHold: options.overlapHold)
        let started = Date()
        var figures = SimFigures()
        var fullReports: [String: Int] = [:]
        var failures: [String] = []
        print("rotatectl simulation: dimensions \(options.dimensionsText), "
              + (options.seeds.map { "seeds \($0.map(String.init).joined(separator: ","))" }
                 ?? "seeds from \(options.firstSeed) for \(Int(options.seconds)) s"))
        var next = options.firstSeed
        var list = options.seeds?.makeIterator()
        while true {
            let seed: UInt64
            if list != nil {
                guard let s = list?.next() else { break }
                seed = s
            } else {
                if Date().timeIntervalSince(started) >= options.seconds { break }
                seed = next
                next += 1
            }
            var generator = CaseGenerator(seed: seed, dimensions: options.dimensions)
            let c = generator.generate(seed: seed)
            let (layout, outcome) = runner.execute(c)
            let (violations, lines) = InvariantChecker(c: c, layout: layout, outcome: outcome).check()
            figures.add(c, outcome, violations, lines: lines)
            if !violations.isEmpty {
                let report = CaseReport(c: c, layout: layout, outcome: outcome, violations: violations, options: options)
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
        }
        figures.seconds = Date().timeIntervalSince(started)
        print(figures)
        if let path = options.reportPath { TestFile.write(Array((figures.description + "\n").utf8), to: path) }
        let listed: String = failures.prefix(40).joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.count) failing scenarios:\n\(listed)")
    }
}
