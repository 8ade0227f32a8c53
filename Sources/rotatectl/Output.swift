import Logging
import RotationEngine

/// Prints a run: `rotatectl: …` errors and warnings on stderr, and nothing on stdout unless asked (cron
/// mails whatever a job prints): with `-v` each decision and action, with `-n` the plan, one line each,
/// written as it happens (`StandardOutput`) so a killed run leaves an accurate record; in JSON mode
/// nothing but the document on stdout. With `-l`, every line of the verbose log also goes to that log,
/// whatever is printed.
struct Output: Sendable {
    var json: Bool
    var verbose: Bool
    /// `-n`: the plan's steps are printed without `-v`.
    var dryRun = false
    var log: RunLog? = nil

    var logger: Logger {
        let verbose = verbose
        let log = log
        return Logger(label: "rotatectl") { label in
            var stream = StreamLogHandler.standardError(label: label)
            stream.logLevel = verbose ? .info : .warning
            guard let log else { return stream }
            let file = LineLogHandler(level: .info) { level, text in
                log.write(level >= .error ? .error : level >= .warning ? .warning : .info, text)
            }
            return MultiplexLogHandler([stream, file])
        }
    }

    func show(_ event: RunEvent) {
        let location = event.location.map { "\($0): " } ?? ""
        switch event.kind {
        case .error:
            problem(.error, "rotatectl: " + location + event.message)
        case .warning:
            problem(.warning, "rotatectl: warning: " + location + event.message)
        case .lock:
            problem(.error, "rotatectl: " + event.message)
        case .decision:
            if verbose && !json { StandardOutput.write(location + event.message) }
            log?.write(.info, location + event.message)
        case .action, .script, .recovery:
            if (verbose || dryRun) && !json { StandardOutput.write(event.message) }
            log?.write(.info, event.message)
        }
    }

    private func problem(_ level: RunLog.Level, _ line: String) {
        Output.stderr(line)
        log?.write(level, FileNameEncoding.display(line))
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
