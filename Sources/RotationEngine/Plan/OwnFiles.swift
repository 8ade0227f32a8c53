/// The names of the files rotatectl keeps in a log directory. Plain names here, so the planner can leave
/// them out without knowing the lock or the journal; `DirectoryLock`, `JournalFile` and `JournalReserve`
/// take their names from here.
public enum OwnFiles {
    /// The directory lock (`DirectoryLock`).
    public static let lock = ".rotatectl.lock"
    /// The intent journal (`JournalFile`): a directory's first; a run rotating another set there while
    /// it is held writes `.rotatectl.journal.2`, `.3`, … (see `isJournal`).
    public static let journal = ".rotatectl.journal"
    /// The journal's space reserve (`JournalReserve`).
    public static let reserve = ".rotatectl.reserve"

    /// Whether `name` is a journal: `.rotatectl.journal`, or it followed by a period and a number.
    public static func isJournal(_ name: String) -> Bool {
        guard name.hasPrefix(journal) else { return false }
        let rest = name.utf8.dropFirst(journal.utf8.count)
        guard let dot = rest.first else { return true }
        return dot == UInt8(ascii: ".") && rest.count > 1 && rest.count <= 3 && rest.dropFirst().allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Whether `name` is one of rotatectl's own files: its lock, a journal or the journal's reserve.
    public static func contains(_ name: String) -> Bool {
        name == lock || name == reserve || isJournal(name)
    }
}
