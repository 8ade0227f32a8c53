#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CRotatectlShim
import SystemPackage

/// Runs `body` until it does not fail with EINTR; returns its result or the errno it failed with.
/// Every system call of the engine goes through here (see swift-system's `valueOrErrno`).
@inline(__always)
func system_retry<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let code = rotatectl_errno()
        if code == EINTR { continue }
        return .failure(Errno(rawValue: code))
    }
}

/// The same for a call on a named path: a failure becomes a `SystemError` naming the call and path.
@inline(__always)
func system_call<T: FixedWidthInteger>(_ name: String, _ path: String, _ body: () -> T) throws(SystemError) -> T {
    switch system_retry(body) {
    case .success(let value): return value
    case .failure(let errno): throw SystemError(name, path: path, errno: errno)
    }
}
