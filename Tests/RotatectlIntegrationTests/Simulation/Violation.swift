/// A broken promise found in one case.
struct Violation: Sendable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case lostLines = "lost lines"
        case duplicatedLines = "duplicated lines"
        case tornLines = "torn or foreign lines"
        case badGzip = "invalid gzip or zstd"
        case outsideTouched = "touched outside the set"
        case victimSignalled = "other daemon signalled"
        case writerNotSignalled = "writer not signalled"
        case hung = "run hung"
        case stateMissing = "state misses a rotated log"
        case stateInconsistent = "state file inconsistent"
        case outsideMailed = "outside the set read or mailed"
        case leftovers = "leftovers after the clean run"
        case staleTempKept = "stale temporary file kept"
        case finalRunFailed = "final clean run failed"
        case watcherFailed = "watcher failed"
        case unfinishedJournal = "journal or lock outlived its run"
        case errorBesideLiveRun = "error beside a live run"
    }

    var kind: Kind
    var detail: String

    var description: String { "[\(kind.rawValue)] \(detail)" }
}
