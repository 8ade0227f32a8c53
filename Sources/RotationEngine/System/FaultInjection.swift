#if canImport(Glibc)
import Glibc
#endif

/// Test-only crash points, compiled into debug builds only: with `ROTATECTL_CRASH_AT=K` the process
/// `_exit`s at the K-th durable operation of the run, as SIGKILL or a power cut would stop it;
/// `ROTATECTL_CRASH_COUNT=PATH` writes the number of points reached to PATH at exit.
enum FaultInjection {
    #if ROTATECTL_FAULT_INJECTION
    nonisolated(unsafe) static var counter = 0
    static let target: Int? = getenv("ROTATECTL_CRASH_AT").flatMap { Int(String(cString: $0)) }
    nonisolated(unsafe) static var syncfsCalls = 0
    nonisolated(unsafe) static var seteuidCalls = 0
    static let seteuidTarget: Int? = getenv("ROTATECTL_SETEUID_FAIL_AT").flatMap { Int(String(cString: $0)) }
    static let syncfsTarget: Int? = getenv("ROTATECTL_SYNCFS_FAIL_AT").flatMap { Int(String(cString: $0)) }
    #endif

    static func point(_ label: @autoclosure () -> String) {
        #if ROTATECTL_FAULT_INJECTION
        counter += 1
        if let t = target, counter == t {
            let text = "rotatectl: fault injection: stopping at point \(counter) (\(label()))\n"
            _ = text.withCString { write(2, $0, strlen($0)) }
            _exit(137)
        }
        #endif
    }

    /// Debug builds: with `ROTATECTL_SYNCFS_FAIL_AT=K` the K-th `syncfs` of the run fails with EIO, as a
    /// device error during a group commit would.
    static func syncfsFails() -> Bool {
        #if ROTATECTL_FAULT_INJECTION
        syncfsCalls += 1
        return syncfsCalls == syncfsTarget
        #else
        return false
        #endif
    }

    /// Debug builds: with `ROTATECTL_SETEUID_FAIL_AT=K` the K-th switch to a `su` user's rights fails
    /// with EPERM, as a `seteuid` refused by a security module or a user namespace would.
    static func seteuidFails() -> Bool {
        #if ROTATECTL_FAULT_INJECTION
        seteuidCalls += 1
        return seteuidCalls == seteuidTarget
        #else
        return false
        #endif
    }

    static func finish() {
        #if ROTATECTL_FAULT_INJECTION
        if let p = getenv("ROTATECTL_CRASH_COUNT") {
            let path = String(cString: p)
            if let f = fopen(path, "w") {
                fputs("\(counter)\n", f)
                fclose(f)
            }
        }
        #endif
    }
}
