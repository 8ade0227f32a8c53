#if canImport(Glibc)
import Glibc
#endif
import Logging
import RotationEngine

/// Prints a run: one readable line per action on stdout, `rotatectl: …` errors and warnings on stderr;
/// in JSON mode nothing but the document on stdout.
struct Output: Sendable {
    var json: Bool
    var verbose: Bool

    var logger: Logger {
        var l = Logger(label: "rotatectl") { label in StreamLogHandler.standardError(label: label) }
        l.logLevel = verbose ? .info : .warning
        return l
    }

    func show(_ event: RunEvent) {
        switch event.kind {
        case .error:
            Output.stderr("rotatectl: " + (event.location.map { "\($0): " } ?? "") + event.message)
        case .warning:
            Output.stderr("rotatectl: warning: " + (event.location.map { "\($0): " } ?? "") + event.message)
        case .lock:
            Output.stderr("rotatectl: " + event.message)
        case .decision:
            if verbose && !json { print(event.message) }
        case .action, .script, .recovery:
            if !json { print(event.message) }
        }
    }

    func printJSON(_ value: JSONValue) {
        print(value.serialized(indent: 2))
    }

    static func stderr(_ line: String) {
        let bytes = Array((FileNameEncoding.display(line) + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + done, bytes.count - done) }
            if n <= 0 { break }
            done += n
        }
    }
}

#if DEBUG
/// Debug builds only: `ROTATECTL_NOW=EPOCH` fixes the run's clock, for tests of schedules.
enum EnvironmentClock {
    static var now: Int64? { getenv("ROTATECTL_NOW").flatMap { Int64(String(cString: $0)) } }
}
#endif
