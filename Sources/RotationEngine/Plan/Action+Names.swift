/// What a step is called in reports and which files it names.
extension Action {
    /// The JSON `action` name of a step.
    public var kindName: String {
        switch self {
        case .rename: return "rename"
        case .create: return "create"
        case .copy: return "copy"
        case .copyTruncate: return "copytruncate"
        case .compress: return "compress"
        case .remove: return "remove"
        case .makeDirectory: return "mkdir"
        case .notify: return "signal"
        case .awaitWriters: return "wait"
        case .capTotalSize: return "cap"
        case .mail: return "mail"
        }
    }

    /// The file a step produces, where it names one.
    public var targetPath: String? {
        switch self {
        case .rename(_, let t, _), .copy(_, let t), .copyTruncate(_, let t), .compress(_, let t): return t
        default: return nil
        }
    }

    /// Every file the step reads, changes or makes (a writer signal's pid files aside): what another run
    /// must leave alone while this step's journal is held (`JournalFile.pathsHeldByOtherRuns`).
    public var touchedPaths: [String] {
        switch self {
        case .rename(let a, let b, _), .copy(let a, let b), .copyTruncate(let a, let b), .compress(let a, let b): return [a, b]
        case .create(let p, _, _, _), .remove(let p, _, _), .makeDirectory(let p, _, _, _), .awaitWriters(let p),
             .mail(let p, _, _, _, _):
            return [p]
        case .notify: return []
        case .capTotalSize(let g, _): return g
        }
    }

    public var primaryPath: String? {
        switch self {
        case .rename(let p, _, _), .create(let p, _, _, _), .copy(let p, _), .copyTruncate(let p, _),
             .compress(let p, _), .remove(let p, _, _), .makeDirectory(let p, _, _, _), .awaitWriters(let p),
             .mail(let p, _, _, _, _):
            return p
        case .notify(let files, _): return files.first
        case .capTotalSize(let g, _): return g.first
        }
    }
}
