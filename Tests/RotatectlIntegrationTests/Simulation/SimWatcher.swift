#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// A `rotatectl watch --json -v` of a case, on its configuration and state file, its output in RUN/LABEL.out.
final class SimWatcher {
    let started: RotatectlRun.Started
    /// Whether its `started` event came.
    private(set) var ready = false

    /// `deadline`: seconds from its start until it counts as hung if it has not ended (it is stopped
    /// before: the case's duration plus a run's deadline).
    init(_ label: String, layout: CaseLayout, minInterval: Double, deadline: Double) {
        let args = ["watch", "--json", "-v", "-s", layout.state, "--min-interval", String(minInterval)]
            + (layout.c.mail ? ["-m", layout.run + "/mail.sh"] : []) + [layout.config]
        started = RotatectlRun.Started(label, layout: layout, arguments: args, deadline: deadline)
    }

    /// Waits up to `timeout` seconds for its `started` event; false if it ended or never said it started.
    func awaitStart(timeout: Double) -> Bool {
        ready = eventually(timeout: timeout, every: 0.01) { hasStarted || started.poll() } && hasStarted
        return ready
    }

    private var hasStarted: Bool {
        Self.events(TestFile.text(started.outputPath) ?? "").contains { $0["kind"] as? String == "watch" && $0["event"] as? String == "started" }
    }

    /// Whether it has ended (not by the harness's hand: it is checked before each kill and the stop).
    func ended() -> Bool { started.poll() }

    func kill() -> RotatectlRun {
        var r = started.kill()
        r.label += " (SIGKILLed)"
        return r
    }

    /// SIGTERM (the runs under way finish, then it exits 0), then its end within its deadline.
    func stop() -> RotatectlRun {
        started.process?.kill(SIGTERM)
        var r = started.finish()
        r.label += " (SIGTERM)"
        return r
    }

    /// The JSON objects of a watcher's output, one a line.
    static func events(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// From a watcher's output: its runs (`acted` events) and the live logs its runs rotated (renamed,
    /// copied or cut).
    static func figures(_ output: String, logs: [String]) -> (runs: Int, rotations: Int) {
        let all = events(output)
        let runs = all.filter { $0["kind"] as? String == "watch" && $0["event"] as? String == "acted" }.count
        let live = Set(logs)
        let rotations = all.filter { e in
            guard e["kind"] as? String == "action", let action = e["action"] as? String,
                  ["rename", "copy", "copytruncate"].contains(action), let path = e["path"] as? String else { return false }
            return live.contains(path)
        }.count
        return (runs, rotations)
    }
}
