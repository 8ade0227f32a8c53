/// What applying one step did.
public enum StepOutcome: Sendable, Equatable {
    case done
    /// The file system already showed the step done (recovery, or a concurrent run).
    case alreadyDone
    /// Not applied, and why (a writer still holds the file, a file replaced underneath, …).
    case skipped(String)
}
