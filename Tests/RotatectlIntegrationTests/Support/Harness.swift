import Foundation
import TestSupport

/// Running the built `rotatectl` and other programs for the end-to-end suites.
enum Harness {
    /// Runs a program to completion, with standard input from /dev/null, collecting its output; outside any
    /// `rotatectl lock` the test runner itself may be under.
    static func run(_ argv: [String], environment: [String: String] = [:], cwd: String? = nil) -> ProcessResult {
        SpawnedProcess.capture(argv, environment: environment, removing: ["ROTATECTL_LOCKED_DIRS"], directory: cwd)
    }

    static func rotatectl(_ args: [String], environment: [String: String] = [:]) -> ProcessResult {
        run([PackagePaths.rotatectl] + args, environment: environment)
    }

    /// `sh -c`.
    static func sh(_ command: String) -> ProcessResult { run(["/bin/sh", "-c", command]) }

    /// The file's content, through `gzip -dc` or `zstd -dc` when it is gzip or zstd.
    static func contents(_ path: String) -> String {
        let bytes = path.hasSuffix(".gz") ? CompressedFile.decompressed(path)
            : path.hasSuffix(".zst") ? CompressedFile.decompressed(path, with: "/usr/bin/zstd") : TestFile.bytes(path)
        return String(decoding: bytes ?? [], as: UTF8.self)
    }

    /// Numbered lines `PREFIX N` from 1 through `count`.
    static func lines(_ prefix: String, _ range: ClosedRange<Int>) -> String {
        range.map { "\(prefix) \($0)\n" }.joined()
    }

    /// The events of a `--json` run's document on standard output (none when it is not one).
    static func events(_ result: ProcessResult) -> [[String: Any]] {
        guard let data = result.stdout.data(using: .utf8),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return doc["events"] as? [[String: Any]] ?? []
    }

    /// The codes of a `--json` run's errors, warnings and busy locks, in order: what tests match, never the wording.
    static func codes(_ result: ProcessResult) -> [String] {
        events(result).compactMap { $0["code"] as? String }
    }

    /// The errno of each event with `code` (events without a failed system call are left out).
    static func errnos(_ result: ProcessResult, _ code: String) -> [Int] {
        events(result).filter { $0["code"] as? String == code }.compactMap { $0["errno"] as? Int }
    }
}
