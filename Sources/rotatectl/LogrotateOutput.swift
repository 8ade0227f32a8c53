import Logging
import RotationEngine

/// What a run under the name `logrotate` prints, as logrotate does: nothing but its errors and
/// warnings (`error: …`, `warning: …` on standard error, which monitoring greps for), unless `-v` or
/// `-d` asks for the trace (every decision, step and script, and the engine's log) on standard error.
/// The `-l` log receives the whole trace, errors and warnings included, whatever is printed.
struct LogrotateOutput: Sendable {
    /// `-v` or `-d`.
    var trace: Bool
    var log: RunLog?

    var logger: Logger {
        let output = self
        var logger = Logger(label: "logrotate") { _ in
            LineLogHandler(level: .debug) { level, text in
                switch level {
                case .error, .critical: output.line(.error, "error: " + text)
                case .warning: output.line(.warning, "warning: " + text)
                default: output.line(.debug, text)
                }
            }
        }
        logger.logLevel = trace || log != nil ? .debug : .warning
        return logger
    }

    func show(_ event: RunEvent) {
        let location = event.location.map { "\($0): " } ?? ""
        switch event.kind {
        case .error, .lock:
            line(.error, "error: " + location + event.message)
        case .warning:
            line(.warning, "warning: " + location + event.message)
        case .decision, .action, .script, .recovery:
            line(.info, location + event.message)
        }
    }

    /// A line of the trace: on standard error when it is an error or a warning or when tracing, and in
    /// the log.
    func line(_ level: RunLog.Level, _ text: String) {
        let shown = FileNameEncoding.display(text)
        if trace || level == .error || level == .warning { StandardError.write(shown) }
        log?.write(level, shown)
    }
}
