import Logging

/// A swift-log handler that hands each message, as plain text without a time stamp or label, to
/// `write`: the engine's log lines in `-l FILE` and in the trace of the `logrotate` name.
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let write: @Sendable (Logger.Level, String) -> Void

    init(level: Logger.Level, write: @escaping @Sendable (Logger.Level, String) -> Void) {
        logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        write(event.level, event.message.description)
    }
}
