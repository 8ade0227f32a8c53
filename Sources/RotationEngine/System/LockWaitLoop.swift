/// The wait for a lock taken by polling (an OFD lock has no timed wait): try, and while another holds
/// it, pause and try again until `wait` seconds have passed. The directory lock and the state lock both
/// wait through here.
struct LockWaitLoop {
    /// Seconds to keep trying: 0 tries once, `.infinity` for ever; NaN and negatives are 0.
    var wait: Double
    /// The first pause between two tries, doubled after each up to `longestPause`.
    var firstPause: Double
    var longestPause: Double

    init(wait: Double, firstPause: Double, longestPause: Double) {
        self.wait = wait.isNaN ? 0 : max(0, wait)
        self.firstPause = firstPause
        self.longestPause = max(firstPause, longestPause)
    }

    /// Calls `attempt` until it returns true (taken); false when `wait` seconds passed first. Between
    /// two tries `stillBusy` is told how long the loop has waited (to report who holds the lock); a
    /// pause never runs past the deadline. An error thrown by `attempt` ends the loop.
    func run<E: Error>(_ attempt: () throws(E) -> Bool,
                       stillBusy: (_ waited: Double) -> Void = { _ in }) throws(E) -> Bool {
        let start = monotonicNow()
        var pause = firstPause
        while true {
            if try attempt() { return true }
            let waited = monotonicNow() - start
            if waited >= wait { return false }
            stillBusy(waited)
            sleepSeconds(min(pause, max(0.001, wait - waited)))
            pause = min(pause * 2, longestPause)
        }
    }
}
