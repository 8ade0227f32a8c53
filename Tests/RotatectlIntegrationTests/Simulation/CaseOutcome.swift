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
    var listingBefore: [String] = []
    /// The names below logs/ before the first run.
    var namesBefore: Set<String> = []
    var notes: [String] = []
}
