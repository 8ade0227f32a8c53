import RotationEngine

/// While `rotatectl lock` runs its command, SIGTERM, SIGINT and SIGHUP sent to rotatectl are passed on to
/// the command's process group (it runs in a group of its own), so stopping the lock holder stops what
/// it protects instead of leaving it running without the lock. The signals are blocked and taken by
/// `sigwait` on a thread of its own (`ProcessSignals.forwardToChildGroups`): no handler runs arbitrary code.
enum SignalForwarder {
    static let forwarded: [Int32] = [ProcessSignals.terminate, ProcessSignals.interrupt, ProcessSignals.hangUp]

    static func start() {
        ProcessSignals.forwardToChildGroups(forwarded)
    }
}
