/// Why the directory lock of a log directory could not be taken.
public enum LockError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Another run holds it. `holderPid` and `heldSince` (epoch seconds it was taken) come from what the
    /// holder wrote into the lock file, nil when it wrote nothing readable yet.
    case busy(path: String, holderPid: Int32?, heldSince: Int64?)
    /// This process, or the rotatectl run that started it (a script run by rotatectl running rotatectl on
    /// the same directory), already holds it: waiting would deadlock, so it fails at once.
    case nested(path: String)
    /// `.rotatectl.lock` is something we refuse to open or write: a symbolic link, FIFO, directory,
    /// socket, a file of another owner or with several hard links.
    case hostile(path: String, reason: String)
    /// The directory's journal is held by another run that is still going (in its scripts, with the
    /// directory lock released): its rotation is not finished, and is never replayed by another run.
    case journalInUse(path: String)
    case system(SystemError)

    public var description: String {
        switch self {
        case .busy(let path, let pid, let since):
            var text = "\(path): locked by another rotatectl run"
            if let pid {
                let held = since.map { ", held for \(max(0, Int64(wallClockNow()) - $0)) s" } ?? ""
                text += " (pid \(pid)\(held))"
            }
            return text
        case .nested(let path):
            return "\(path): already locked by this rotatectl run or the one that started this script"
        case .journalInUse(let path):
            return "\(path): a rotation by another rotatectl run is still in progress (its scripts, writer wait or compression are running)"
        case .hostile(let path, let reason):
            return "\(path): refusing lock file: \(reason)"
        case .system(let error):
            return error.description
        }
    }
}
