/// What applying one step did.
public enum StepOutcome: Sendable, Equatable {
    case done
    /// The file system already showed the step done (recovery, or a concurrent run).
    case alreadyDone
    /// Not applied, and why (a writer still holds the file, a file replaced underneath, …).
    case skipped(String)
}

/// A step that failed: what it was and the system error.
public struct StepError: Error, CustomStringConvertible, Sendable {
    public var action: Action
    public var message: String
    public init(_ action: Action, _ message: String) { self.action = action; self.message = message }
    public var description: String { message }
}
