#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Synchronization

/// A log file that cooperates with log rotation: opened `O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC` (every write
/// lands at the end, so `copytruncate` is safe too), and reopened by path after the reopen signal
/// (`SIGHUP` by default) on the next write or `reopenIfSignalled()`, so after the rotator renamed the file
/// the program writes to the new one. Thread-safe: an internal lock covers only the descriptor swap and
/// the `write(2)` of already formatted bytes, never code of the caller.
public final class ReopeningLogFile: Sendable {
    public let path: String
    public let mode: UInt32

    private struct State {
        var fd: Int32
        var openedAt: UInt64
        var reopenFailure: LogFileError?
    }
    private let state: Mutex<State>

    /// Opens (creating it with `mode` if missing) `path` and installs the handler for `signal`; nil
    /// `signal` installs none (the program calls `reopen()` itself).
    public init(path: String, mode: UInt32 = 0o644, reopenOn signal: Int32? = SIGHUP) throws(LogFileError) {
        self.path = path
        self.mode = mode
        if let signal { ReopenSignal.install(signal) }
        let generation = ReopenSignal.count
        let fd = try Self.open(path, mode: mode)
        state = Mutex(State(fd: fd, openedAt: generation, reopenFailure: nil))
    }

    deinit {
        state.withLock { state in
            if state.fd >= 0 { _ = Glibc.close(state.fd) }
            state.fd = -1
        }
    }

    /// Appends `text` (a whole line, newline included: one `write(2)`, so lines of several threads or
    /// processes never interleave).
    public func write(_ text: String) throws(LogFileError) {
        var text = text
        let result: Result<Void, LogFileError> = text.withUTF8 { bytes in
            Result { () throws(LogFileError) in try self.write(UnsafeRawBufferPointer(bytes)) }
        }
        try result.get()
    }

    /// Appends raw bytes, reopening first if the reopen signal arrived since the file was opened.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(LogFileError) {
        let path = self.path
        let mode = self.mode
        try state.withLock { state throws(LogFileError) in
            Self.reopenIfNeeded(&state, path: path, mode: mode, force: false)
            guard state.fd >= 0 else { throw LogFileError("write", path: path, errno: EBADF) }
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(state.fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    let e = rotatectl_errno()
                    if e == EINTR { continue }
                    throw LogFileError("write", path: path, errno: e)
                }
                done += n
            }
        }
    }

    /// Reopens now if the reopen signal arrived since the file was opened (for programs that may stay idle
    /// for long and should not keep the rotated file open). True if it reopened.
    @discardableResult
    public func reopenIfSignalled() throws(LogFileError) -> Bool {
        let path = self.path
        let mode = self.mode
        return try state.withLock { state throws(LogFileError) in
            let reopened = Self.reopenIfNeeded(&state, path: path, mode: mode, force: false)
            if let failure = state.reopenFailure { throw failure }
            return reopened
        }
    }

    /// Reopens now, whatever the signal count.
    public func reopen() throws(LogFileError) {
        let path = self.path
        let mode = self.mode
        try state.withLock { state throws(LogFileError) in
            Self.reopenIfNeeded(&state, path: path, mode: mode, force: true)
            if let failure = state.reopenFailure { throw failure }
        }
    }

    /// The error of the last failed reopen, while it keeps failing (writes then go on to the old file,
    /// so no line is lost).
    public var reopenFailure: LogFileError? { state.withLock { $0.reopenFailure } }

    /// Closes the file; later writes fail with `EBADF`.
    public func close() throws(LogFileError) {
        let path = self.path
        try state.withLock { state throws(LogFileError) in
            guard state.fd >= 0 else { return }
            let fd = state.fd
            state.fd = -1
            if Glibc.close(fd) != 0 { throw LogFileError("close", path: path, errno: rotatectl_errno()) }
        }
    }

    /// Under the lock: opens the path anew and swaps descriptors when a signal arrived (or `force`). On
    /// failure the old descriptor stays, the error is kept, and the next write tries again.
    @discardableResult
    private static func reopenIfNeeded(_ state: inout State, path: String, mode: UInt32, force: Bool) -> Bool {
        let generation = ReopenSignal.count
        guard force || generation != state.openedAt, state.fd >= 0 else { return false }
        do {
            let fd = try open(path, mode: mode)
            _ = Glibc.close(state.fd)
            state.fd = fd
            state.openedAt = generation
            state.reopenFailure = nil
            return true
        } catch {
            state.reopenFailure = error
            return false
        }
    }

    private static func open(_ path: String, mode: UInt32) throws(LogFileError) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | rotatectl_o_cloexec(), mode_t(mode))
            if fd >= 0 { return fd }
            let e = rotatectl_errno()
            if e != EINTR { throw LogFileError("open", path: path, errno: e) }
        }
    }
}
