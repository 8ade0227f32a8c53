#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// A simulation in the spirit of SQLite's crash tests and FoundationDB's simulator (issue 16): generated
/// log sets with live numbered-line writers, rotated under crashes at every point, real SIGKILLs,
/// overlapping runs (the first held in a script or in its compressor, the second rotating other sets of
/// its directory), `rotatectl watch` SIGKILLed at random moments beside runs from cron, and hostile files,
/// then checked: every line once, every .gz valid, nothing outside the set touched, writers signalled, no
/// run hung, the state complete, nothing temporary left, a killed run's journal finished by the next run.
///
/// Short mode (this test in `swift test`): seeds from 1 for `ROTATECTL_SIM_SECONDS` (default 120);
/// long mode: `scripts/simulate.sh --minutes 60 [--seed S]`. Knobs: `SimulationOptions`.
@Suite(.serialized) struct SimulationTests {
    @Test func everyLineOnceUnderCrashesOverlapsAndHostileFiles() {
        #expect(getuid() == 0, "the simulation plants files as another user and runs su sets: it needs root")
        guard getuid() == 0 else { return }
        let options = SimulationOptions.fromEnvironment()
        let session = SimulationSession(options: options)
        let started = Date()
        let seeds = options.seeds.map { "seeds \($0.map(String.init).joined(separator: ","))" }
            ?? "seeds from \(options.firstSeed) for \(Int(options.seconds)) s"
        print("rotatectl simulation: dimensions \(options.dimensionsText), \(seeds)")
        if let list = options.seeds {
            for seed in list { session.play(seed: seed) }
        } else {
            var seed = options.firstSeed
            while Date().timeIntervalSince(started) < options.seconds {
                session.play(seed: seed)
                seed += 1
            }
        }
        session.finish(Date().timeIntervalSince(started))
        let listed: String = session.failures.prefix(40).joined(separator: "\n")
        #expect(session.failures.isEmpty, "\(session.failures.count) failing scenarios:\n\(listed)")
    }
}
