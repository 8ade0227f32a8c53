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

    /// A line on standard error (`StandardError.write`).
    static func stderr(_ line: String) {
        StandardError.write(FileNameEncoding.display(line))
    }
}

#if DEBUG
/// Debug builds only: `ROTATECTL_NOW=EPOCH` fixes the run's clock, for tests of schedules.
enum EnvironmentClock {
    static var now: Int64? { ProcessEnvironment.value("ROTATECTL_NOW").flatMap { Int64($0) } }
}
#endif
