#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Synchronization

/// Counts the reopen signals received. The signal handler does nothing but add 1 to it (a lock-free
/// atomic, safe in a signal handler); every `ReopeningLogFile` compares it with the count it last
/// opened at, on its next write, on an ordinary thread.
let reopenSignalCount = Atomic<UInt64>(0)

/// Installs the signal handler that asks every `ReopeningLogFile` of the process to reopen its file.
public enum ReopenSignal {
    private static let installed = Mutex<Set<Int32>>([])

    /// Installs the handler for `signal` (`sigaction` with `SA_RESTART`, so interrupted calls of the
    /// program resume); installing it twice is harmless. It replaces the signal's default action, which
    /// for `SIGHUP` would end the program, and unblocks the signal in the calling thread (threads that
    /// block it, as some runtimes' worker threads do, leave it to the others).
    public static func install(_ signal: Int32 = SIGHUP) {
        _ = reopenSignalCount.load(ordering: .relaxed)   // initialise the global before a signal can touch it
        installed.withLock { signals in
            guard !signals.contains(signal) else { return }
            signals.insert(signal)
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                reopenSignalCount.wrappingAdd(1, ordering: .releasing)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            _ = sigaction(signal, &action, nil)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// How many reopen signals arrived so far.
    public static var count: UInt64 { reopenSignalCount.load(ordering: .acquiring) }
}
