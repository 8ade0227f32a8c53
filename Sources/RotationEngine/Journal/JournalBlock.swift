/// One record of a directory's intent journal, written and fsynced before the changes it describes.
public enum JournalBlock: Sendable, Equatable {
    /// The steps of one rotation unit (the writer signal among them), the state entries to save once they
    /// are done, and what else replaying them alone needs (`JournalPolicy`).
    case unit(id: Int, directories: [String], steps: [Action], state: [StateMark], policy: JournalPolicy = JournalPolicy())
    /// The unit's remaining steps are dropped (its postrotate script failed).
    case cancel(id: Int)
}

/// A state entry to save: the log and the time of its rotation.
public struct StateMark: Sendable, Equatable {
    public var path: String
    public var time: Int64
    public init(path: String, time: Int64) { self.path = path; self.time = time }
}
