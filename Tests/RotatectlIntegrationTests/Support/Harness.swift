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

    /// The file's content, through `gzip -dc` when it is gzip.
    static func contents(_ path: String) -> String {
        let bytes = path.hasSuffix(".gz") ? CompressedFile.decompressed(path) : TestFile.bytes(path)
        return String(decoding: bytes ?? [], as: UTF8.self)
    }

    /// Numbered lines `PREFIX N` from 1 through `count`.
    static func lines(_ prefix: String, _ range: ClosedRange<Int>) -> String {
        range.map { "\(prefix) \($0)\n" }.joined()
    }
}
