#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim

/// The signals `rotatectl watch` acts on. Their handlers (in C) only set a flag; the signals are blocked
/// except while the watcher waits (`Inotify.wait`), so a signal ends that wait and the loop reads the
/// flags on its own thread. Children start with every signal unblocked and at its default (`ChildProcess`).
public enum WatchSignals {
    /// Blocks SIGHUP, SIGTERM and SIGINT in the calling thread and those it starts later, and installs
    /// the flag-setting handlers (`pthread_sigmask`, `sigaction`). Call before any thread is started.
    public static func install() throws(SystemError) {
        _ = try system_call("sigaction", "SIGHUP SIGTERM SIGINT") { rotatectl_watch_signals_install() }
    }

    /// Whether SIGHUP arrived since the last call.
    public static func takeHangUp() -> Bool { rotatectl_watch_signal_take(SIGHUP) != 0 }

    /// Whether SIGTERM or SIGINT arrived since the last call.
    public static func takeTerminate() -> Bool { rotatectl_watch_signal_take(SIGTERM) != 0 }
}
