import SystemPackage

/// The line the holder of a directory lock writes into `.rotatectl.lock`: `PID EPOCH\n`, its pid and
/// the second it took the lock, so a run that finds the lock busy (or `rotatectl status`) can say who
/// holds it. Informational only: the lock is the OFD lock.
public struct LockHolder: Sendable, Equatable {
    public var pid: Int32?
    /// Epoch seconds; nil without a pid.
    public var since: Int64?

    public init(pid: Int32?, since: Int64?) {
        self.pid = pid
        self.since = pid == nil ? nil : since
    }

    /// The line of this process, taking the lock now.
    static func ownLine() -> [UInt8] {
        Array("\(ProcessIdentity.pid) \(Int64(wallClockNow()))\n".utf8)
    }

    /// Parses `PID EPOCH` from the first line; nils for what is missing or malformed.
    public static func parse(_ text: String) -> LockHolder {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let fields = line.split(separator: " ")
        let pid = fields.first.flatMap { Int32($0) }.flatMap { $0 > 0 ? $0 : nil }
        let since = fields.count > 1 ? Int64(fields[1]) : nil
        return LockHolder(pid: pid, since: since)
    }

    /// Reads the line from an open lock file (its first 64 bytes, `pread`); nils when unreadable.
    public static func read(_ fd: FileDescriptor, path: String) -> LockHolder {
        let bytes = (try? fd.readToEnd(limit: 64, beyondLimit: .truncate, path: path)) ?? []
        return parse(String(decoding: bytes, as: UTF8.self))
    }
}
