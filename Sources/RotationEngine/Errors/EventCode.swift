/// What an error or a warning of a run is about: a stable name for scripts, monitoring and tests, which
/// match the code and never the wording (`RunEvent.code`, `"code"` in `--json`). rotatectl(8) lists them.
public enum EventCode: String, Sendable, CaseIterable {
    // Configuration and planning
    case configInvalid = "config-invalid"
    case configWarning = "config-warning"
    case configDropped = "config-dropped"
    case logRefused = "log-refused"
    case generationSetAside = "generation-set-aside"
    case logrotateScheduled = "logrotate-scheduled"
    // Locks and directories
    case lockBusy = "lock-busy"
    case stateLocked = "state-locked"
    case journalInUse = "journal-in-use"
    case nestedRun = "nested-run"
    case lockFailed = "lock-failed"
    case directoryUnusable = "directory-unusable"
    case directoryReplaced = "directory-replaced"
    // The journal
    case journalUnwritable = "journal-unwritable"
    case journalUnreadable = "journal-unreadable"
    case journalDamaged = "journal-damaged"
    case journalUnfinished = "journal-unfinished"
    case journalKept = "journal-kept"
    case journalNotRemoved = "journal-not-removed"
    case reserveUsed = "reserve-used"
    // Steps
    case stepFailed = "step-failed"
    case stepSkipped = "step-skipped"
    case syncFailed = "sync-failed"
    case privilegesFailed = "su-failed"
    case scriptFailed = "script-failed"
    // Writers
    case writerStillOpen = "writer-still-open"
    case signalProblem = "signal-problem"
    // Compression, copytruncate, shred
    case compressFailed = "compress-failed"
    case compressorMessage = "compressor-message"
    case outputExists = "output-exists"
    case sourceGone = "source-gone"
    case bytesAtRisk = "bytes-at-risk"
    case copyProblem = "copy-problem"
    case shredRefused = "shred-refused"
    case shredFailed = "shred-failed"
    // Mail
    case mailFailed = "mail-failed"
    // The state file
    case stateUnwritable = "state-unwritable"
    case stateNotSaved = "state-not-saved"
    case stateProblem = "state-problem"
    case stateDamaged = "state-damaged"
    // rotatectl watch
    case watchFailed = "watch-failed"
    case watchBusy = "watch-busy"
    case watchUnwatched = "watch-unwatched"
    case watchOverflow = "watch-overflow"
    case watchHeld = "watch-held"
    case watchConfigKept = "watch-config-kept"
}
