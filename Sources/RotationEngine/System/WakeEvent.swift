#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim

/// An `eventfd(2)`: a thread that finished something `signal()`s it, and the thread waiting in
/// `Inotify.wait` wakes; `clear()` resets it. Closed when released.
public final class WakeEvent: @unchecked Sendable {
    let fd: Int32

    public init() throws(SystemError) {
        fd = try system_call("eventfd", "wake") { rotatectl_eventfd() }
    }

    deinit { _ = system_close(fd, "wake") }

    /// Adds one to the counter: the descriptor becomes readable. Never blocks (the counter cannot
    /// reach its limit of 2^64 - 2 here).
    public func signal() {
        var one: UInt64 = 1
        _ = system_retryUninjected { Glibc.write(fd, &one, 8) }
    }

    /// Reads the counter back to zero; nothing to read is not an error.
    public func clear() {
        var count: UInt64 = 0
        _ = system_retryUninjected { Glibc.read(fd, &count, 8) }
    }
}
