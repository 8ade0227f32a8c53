#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization

/// A swift-log `LogHandler` writing `TIMESTAMP LEVEL LABEL: MESSAGE key=value` lines to a
/// `ReopeningLogFile`. The line is formatted (metadata descriptions included) before the file's lock is
/// taken. A failed write is reported once on standard error and the line dropped: logging never throws.
public struct ReopeningLogHandler: LogHandler {
    public let label: String
    public let file: ReopeningLogFile
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, file: ReopeningLogFile, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.file = file
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var line = Self.timestamp() + " " + event.level.rawValue + " " + label + ": " + event.message.description
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += " " + key + "=" + value.description
        }
        line += "\n"
        do {
            try file.write(line)
        } catch {
            Self.reportOnce(error)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` from `clock_gettime` and `gmtime_r`.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(ts.tv_nsec / 1_000_000), 3) + "Z"
    }

    private static func reportOnce(_ error: LogFileError) {
        if reported.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            let text = "ReopeningLogHandler: \(error) (further errors not reported)\n"
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count - 1) }
        }
    }
}

private let reported = Atomic<Bool>(false)
