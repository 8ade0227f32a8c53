import Foundation
import TestSupport
@testable import RotationEngine

/// A `rotatectl watch` started on a scratch directory, its `--json` lines in a file.
struct RunningWatcher {
    let process: SpawnedProcess
    let output: String

    /// Starts the watcher on `config` with state `state` and waits for its `started` event.
    static func start(_ scratch: TempDirectory, config: String, state: String, arguments: [String] = [],
                      environment: [String: String] = [:]) -> RunningWatcher? {
        let output = scratch.child("watch.jsonl")
        guard let process = SpawnedProcess.start([PackagePaths.rotatectl, "watch", "--json", "-s", state] + arguments + [config],
                                                 output: output, environment: ["TZ": "UTC"].merging(environment) { $1 },
                                                 removing: ["ROTATECTL_LOCKED_DIRS", "NOTIFY_SOCKET", "WATCHDOG_USEC"]) else { return nil }
        let watcher = RunningWatcher(process: process, output: output)
        guard eventually(timeout: 20, { watcher.has(event: "started") }) else {
            process.kill()
            _ = process.wait()
            return nil
        }
        return watcher
    }

    /// Every line written so far, parsed.
    var events: [[String: Any]] {
        (TestFile.text(output) ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    func has(event: String) -> Bool { events.contains { $0["kind"] as? String == "watch" && $0["event"] as? String == event } }

    func has(code: String) -> Bool { events.contains { $0["code"] as? String == code } }

    /// SIGTERM, then its exit status.
    func stop() -> Int32 {
        process.kill(SIGTERM)
        return process.wait()
    }
}

/// Appends lines to a log the way a writer that reopens by name does: `open(O_APPEND|O_CREAT)`, write,
/// close; a line written to a renamed file stays in that file, so none is lost.
enum LineAppender {
    static func append(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    /// Every line of `dir`'s files whose names start with `prefix`, with how many times each appears.
    static func census(_ dir: String, prefix: String) -> [String: Int] {
        var count: [String: Int] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) {
            for line in Harness.contents(dir + "/" + name).split(separator: "\n") { count[String(line), default: 0] += 1 }
        }
        return count
    }
}
