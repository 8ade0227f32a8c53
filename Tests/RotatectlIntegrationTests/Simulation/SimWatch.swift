/// The timeline of a `watch` case: how long the watcher runs beside the writers, how often it may run a
/// set, and what happens to it meanwhile (SIGKILLs at random moments, a new watcher, runs from "cron" on
/// the same state file). Short on purpose: a few seconds, so that the short mode can afford a few.
struct SimWatch: Sendable, Equatable {
    enum Event: Sendable, Equatable, CustomStringConvertible {
        /// SIGKILL the running watcher (none running: nothing); `restart`: start a new one at once.
        case kill(restart: Bool)
        /// Start a watcher if none runs (one killed without a restart earlier).
        case start
        /// `rotatectl run` on the watcher's state file, started and left to run beside it.
        case cron

        var description: String {
            switch self {
            case .kill(let restart): restart ? "SIGKILL the watcher, start a new one" : "SIGKILL the watcher"
            case .start: "start a watcher"
            case .cron: "a run from cron"
            }
        }
    }

    /// An event at `at` (a fraction of `seconds`).
    struct Moment: Sendable, Equatable {
        var at: Double
        var event: Event
    }

    /// How long the first watcher is started before the end, when it is stopped with SIGTERM.
    var seconds: Double
    /// `--min-interval`: a set is run at most once per this many seconds by one watcher.
    var minInterval: Double
    /// In the order of `at`.
    var moments: [Moment]

    var kills: Int { moments.filter { if case .kill = $0.event { true } else { false } }.count }
    var crons: Int { moments.filter { $0.event == .cron }.count }
    /// Watchers started, at most: the first, and one per restart or start.
    var starts: Int { 1 + moments.filter { $0.event == .start || $0.event == .kill(restart: true) }.count }

    /// The most rotations a log can see in the case: each watcher runs a set at most once per
    /// `minInterval` (and once at its start), each run from cron once, and the two clean runs after it.
    /// `rotate` at least this (plus the generations laid out) drops nothing: every line is then checked.
    var rotationBound: Int { Int(seconds / minInterval) + 1 + starts + crons + 2 }

    var description: String {
        let events = moments.map { "at \(String(format: "%.2f", $0.at * seconds)) s: \($0.event)" }
        return "watch for \(String(format: "%.1f", seconds)) s, --min-interval \(minInterval)"
            + (events.isEmpty ? "" : "; " + events.joined(separator: "; "))
    }
}
