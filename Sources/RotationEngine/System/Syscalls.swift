#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRotatectlShim
import SystemPackage

/// Runs the system call `name` on `path` until it does not fail with EINTR; returns its result or the
/// errno it failed with. Every system call of the engine goes through here or `system_call` (see
/// swift-system's `valueOrErrno`). Debug builds first ask `SystemFaults` whether this call is to fail:
/// a forced errno is returned without making the call, a forced EINTR is retried like a real one.
@inline(__always)
func system_retry<T: FixedWidthInteger>(_ name: String, _ path: @autoclosure () -> String,
                                        _ body: () -> T) -> Result<T, Errno> {
    #if ROTATECTL_FAULT_INJECTION
    if let forced = SystemFaults.forcedErrno(name, path()), forced != .interrupted {
        return .failure(forced)
    }
    #endif
    return system_retryUninjected(body)
}

/// The same for a call on a named path: a failure becomes a `SystemError` naming the call and path.
@inline(__always)
func system_call<T: FixedWidthInteger>(_ name: String, _ path: @autoclosure () -> String,
                                       _ body: () -> T) throws(SystemError) -> T {
    switch system_retry(name, path(), body) {
    case .success(let value): return value
    case .failure(let errno): throw SystemError(name, path: path(), errno: errno)
    }
}

/// `close(2)`, never retried (on Linux the descriptor is gone even after EINTR). A forced fault is
/// reported after the descriptor is closed, as a real deferred write error would be.
@inline(__always)
func system_close(_ fd: Int32, _ path: @autoclosure () -> String) -> Errno? {
    let failed = Glibc.close(fd) != 0
    let code = rotatectl_errno()
    #if ROTATECTL_FAULT_INJECTION
    if let forced = SystemFaults.forcedErrno("close", path()), forced != .interrupted { return forced }
    #endif
    return failed ? Errno(rawValue: code) : nil
}

/// A call that returns its error number instead of setting `errno` (`posix_fallocate`,
/// `pthread_create`): nil on success, retried on EINTR, subject to forced faults.
@inline(__always)
func system_errorNumber(_ name: String, _ path: @autoclosure () -> String, _ body: () -> Int32) -> Errno? {
    #if ROTATECTL_FAULT_INJECTION
    if let forced = SystemFaults.forcedErrno(name, path()), forced != .interrupted { return forced }
    #endif
    while true {
        let code = body()
        if code == 0 { return nil }
        if code == EINTR { continue }
        return Errno(rawValue: code)
    }
}

/// The EINTR loop alone, for calls no test may make fail: restoring root's ids (a failure there
/// cannot be handled) and writing to standard error (the messages that report forced faults).
@inline(__always)
func system_retryUninjected<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let code = rotatectl_errno()
        if code == EINTR { continue }
        return .failure(Errno(rawValue: code))
    }
}

/// The old unnamed form: no fault can be forced on it. Only `Execute/CopyTruncate.swift` still uses it.
@available(*, deprecated, message: "name the call: system_retry(\"name\", path) { ... }, so tests can force its errno")
@inline(__always)
func system_retry<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    system_retryUninjected(body)
}
