/// What a part of a run (a set, a group of sets, a replay, the state file) came to, judged by what it
/// reported: an error fails it, a busy lock leaves it to a later run, a configuration error is the
/// configuration's. The run combines the outcomes of its parts into its exit status.
public struct Outcome: Sendable, Equatable {
    public var failed = false
    public var busy = false
    public var configError = false

    public init() {}

    /// The outcome of a part that reported `events`.
    public init(_ events: some Sequence<RunEvent>) {
        for e in events {
            switch (e.kind, e.code) {
            case (.error, .configInvalid), (.error, .configDropped): configError = true
            case (.error, _): failed = true
            case (.lock, _): busy = true
            default: break
            }
        }
    }

    public static func + (a: Outcome, b: Outcome) -> Outcome {
        var o = a
        o.failed = a.failed || b.failed
        o.busy = a.busy || b.busy
        o.configError = a.configError || b.configError
        return o
    }

    /// The exit status: a configuration error first, then a busy lock, then a failure.
    public var exitStatus: ExitStatus {
        if configError { return .configError }
        if busy { return .lockBusy }
        if failed { return .setFailed }
        return .success
    }
}
