/// The names of the files rotatectl keeps in a log directory. Plain names here, so the planner can leave
/// them out without knowing the lock or the journal; `DirectoryLock`, `JournalFile` and `JournalReserve`
/// take their names from here.
public enum OwnFiles {
    /// The directory lock (`DirectoryLock`).
    public static let lock = ".rotatectl.lock"
    /// The intent journal (`JournalFile`).
    public static let journal = ".rotatectl.journal"
    /// The journal's space reserve (`JournalReserve`).
    public static let reserve = ".rotatectl.reserve"
}
