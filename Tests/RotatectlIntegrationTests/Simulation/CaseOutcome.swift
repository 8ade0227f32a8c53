/// What happened to one case: its runs, its writers' last words, and the files as they were before the
/// first run.
struct CaseOutcome {
    var runs: [RotatectlRun] = []
    var writers: [LineWriter.Status?] = []
    /// The live logs' inodes when the writers started, and when they were stopped.
    var initialInodes: [UInt64?] = []
    var stoppedInodes: [UInt64?] = []
    /// Crash points of an undisturbed run (crash and kill cases), and the chosen one.
    var points = 0
    var crashAt: Int?
    var killAfterMicroseconds: UInt32?
    /// Whether run B really started while run A was held in its script.
    var overlapped = false
    var stops = 0
    /// Mails the mail command kept (mail cases).
    var mails = 0
    /// Planted names that came up for mailing: refused before the mail command (a link, a FIFO), and
    /// hard links to the victim's file given to it.
    var plantsRefusedForMail = 0
    var hardLinksGivenToMail = 0
    /// Warnings of runs that a hard-linked generation was neither compressed nor mailed.
    var hardLinksSetApart = 0
    /// compressorHold: the file run A's compressor was given when it was held, whether A was SIGKILLed
    /// there, and whether run B rotated a log of another stanza (set) of A's directory meanwhile.
    var heldSource: String?
    var killedInCompressor = false
    var bRotatedAnotherSet = false
    /// Overlaps: run B ended before run A was let go (all it did, it did while A was held).
    var bEndedWhileHeld = false
    /// watch: watchers started, SIGKILLed by the harness, their runs (`acted` events) and the live logs they
    /// rotated; runs from cron beside them, and those not turned away busy (exit 3); what went wrong with a
    /// watcher itself (did not start, ended on its own, exited nonzero after SIGTERM).
    var watchersStarted = 0
    var watcherKills = 0
    var watcherRuns = 0
    var watcherRotations = 0
    var cronRuns = 0
    var cronRunsActing = 0
    var watcherProblems: [String] = []
    /// The journals below logs/ once the clean run with the writers live has ended (the first run after
    /// every other one ended: it must have finished a killed run's journals).
    var journalsAfterCleanRun: [String] = []
    var listingBefore: [String] = []
    /// The names below logs/ before the first run.
    var namesBefore: Set<String> = []
    var notes: [String] = []
}
