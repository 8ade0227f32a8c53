#if canImport(Glibc)
import Glibc
#endif

/// Test-only crash points, compiled into debug builds only: with `ROTATECTL_CRASH_AT=K` the process
/// `_exit`s at the K-th durable operation of the run, as SIGKILL or a power cut would stop it;
/// `ROTATECTL_CRASH_COUNT=PATH` writes the number of points reached to PATH at exit. Errors forced on
/// single system calls are `SystemFaults`.
enum FaultInjection {
    #if ROTATECTL_FAULT_INJECTION
    nonisolated(unsafe) static var counter = 0
    static let target: Int? = ProcessEnvironment.value("ROTATECTL_CRASH_AT").flatMap { Int($0) }
    #endif

    static func point(_ label: @autoclosure () -> String) {
        #if ROTATECTL_FAULT_INJECTION
        counter += 1
        if let t = target, counter == t {
            StandardError.write("rotatectl: fault injection: stopping at point \(counter) (\(label()))")
            _exit(137)
        }
        #endif
    }

    static func finish() {
        #if ROTATECTL_FAULT_INJECTION
        report(counter, toFileNamedBy: "ROTATECTL_CRASH_COUNT")
        #endif
    }

    /// Debug builds: writes `count` to the file the environment variable `variable` names, if any, for a
    /// test to read (how many points were reached, how many times the state was written).
    static func report(_ count: Int, toFileNamedBy variable: String) {
        #if ROTATECTL_FAULT_INJECTION
        if let path = ProcessEnvironment.value(variable) {
            try? DirectoryHandle.writeWholeFile(path: path, Array("\(count)\n".utf8))
        }
        #endif
    }
}
