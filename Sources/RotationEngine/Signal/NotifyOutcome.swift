import SystemPackage

/// What `WriterNotifier.notify` did about one pid file.
public struct NotifyOutcome: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// The signal was sent to the pid.
        case signalled(Int32)
        /// The pid was already signalled for an earlier pid file of the same call.
        case alreadySignalled(Int32)
        /// No live pid: nothing sent (see `pidFile`'s result).
        case skipped
        /// `kill` failed.
        case failed(Int32, Errno)
    }
    public var pidFile: String
    public var result: PidFileResult
    public var action: Action

    public init(pidFile: String, result: PidFileResult, action: Action) {
        self.pidFile = pidFile
        self.result = result
        self.action = action
    }
}

extension NotifyOutcome: CustomStringConvertible {
    /// What was done, for a person: "signalled pid 42", "not signalling: pid file is missing".
    public var description: String {
        switch action {
        case .signalled(let pid): "signalled pid \(pid)"
        case .alreadySignalled(let pid): "pid \(pid) already signalled"
        case .skipped: "not signalling: pid file is \(result)"
        case .failed(let pid, let e): "kill(\(pid)): \(e)"
        }
    }
}
