import RotationEngine
import Synchronization

/// Where `-l/--log` sends the verbose log of a run, as logrotate's does: a file, truncated when the
/// run starts, or the system log with `-l syslog`. A failed write is reported once on standard error
/// and the run goes on without its log (the log is not the run).
final class RunLog: Sendable {
    enum Destination: Sendable {
        case file(MessageFile)
        case syslog
    }

    /// What a line is, for the system log's priority.
    enum Level { case error, warning, info, debug }

    let destination: Destination
    /// How a failure is shown: `rotatectl: warning: ` or logrotate's `error: `.
    let failurePrefix: String
    /// Held while a line is written, so lines of threads do not interleave; true once a write failed.
    private let failed = Mutex(false)

    private init(_ destination: Destination, failurePrefix: String) {
        self.destination = destination
        self.failurePrefix = failurePrefix
    }

    deinit {
        if case .syslog = destination { SystemLog.close() }
    }

    /// The log `-l VALUE` names: `syslog` (as `identity`, facility user) or a file's path.
    static func open(_ value: String, identity: String, failurePrefix: String) throws(SystemError) -> RunLog {
        if value == "syslog" {
            SystemLog.open(identity: identity)
            return RunLog(.syslog, failurePrefix: failurePrefix)
        }
        return RunLog(.file(try MessageFile(path: value)), failurePrefix: failurePrefix)
    }

    func write(_ level: Level, _ line: String) {
        switch destination {
        case .file(let file):
            failed.withLock { failed in
                guard !failed else { return }
                do {
                    try file.write(line)
                } catch {
                    failed = true
                    Output.stderr(failurePrefix + "log not written: \(error)")
                }
            }
        case .syslog:
            let priority: SystemLog.Priority = switch level {
            case .error: .error
            case .warning: .warning
            case .info: .info
            case .debug: .debug
            }
            SystemLog.write(priority, line)
        }
    }
}
