#if canImport(Glibc)
import Glibc
#endif

/// The system log, as logrotate's `-l syslog` writes to it: `openlog(IDENT, 0, LOG_USER)`, then one
/// `syslog(3)` message per line (through `vsyslog` with a `%s` format, so a `%` in a file name is
/// text), `closelog()` at the end.
public enum SystemLog {
    public enum Priority: Sendable {
        case error, warning, info, debug

        var value: Int32 {
            switch self {
            case .error: LOG_ERR
            case .warning: LOG_WARNING
            case .info: LOG_INFO
            case .debug: LOG_DEBUG
            }
        }
    }

    /// `openlog(3)` keeps the identity's pointer: the copy lives as long as the process.
    nonisolated(unsafe) private static var identity: UnsafeMutablePointer<CChar>?

    /// `openlog(identity, 0, LOG_USER)`; called once, before the first `write`.
    public static func open(identity name: String) {
        if identity == nil { identity = strdup(name) }
        openlog(identity, 0, LOG_USER)
    }

    /// `syslog(priority, "%s", message)`.
    public static func write(_ priority: Priority, _ message: String) {
        message.withCString { text in withVaList([text]) { vsyslog(priority.value, "%s", $0) } }
    }

    /// `closelog(3)`.
    public static func close() {
        closelog()
    }
}
