/// One record of a directory's intent journal, written and fsynced before the changes it describes.
public enum JournalBlock: Sendable, Equatable {
    /// The steps of one rotation unit and the state entries to save once they are done.
    case unit(id: Int, directories: [String], steps: [Action], state: [StateMark])
    /// The unit's remaining steps are dropped (its postrotate script failed).
    case cancel(id: Int)
}

/// A state entry to save: the log and the time of its rotation.
public struct StateMark: Sendable, Equatable {
    public var path: String
    public var time: Int64
    public init(path: String, time: Int64) { self.path = path; self.time = time }
}
