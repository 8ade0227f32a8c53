/// How a child process ended: the exit code it chose, or the signal that killed it.
public enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)

    /// The shell's number: the exit code, or 128 + the signal.
    public var status: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}
