#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Signals to other processes (`kill(2)`) and the forwarding of signals received by `rotatectl lock`.
public enum ProcessSignals {
    public static let terminate = SIGTERM
    public static let interrupt = SIGINT
    public static let hangUp = SIGHUP

    /// `kill(pid, signal)`; a negative `pid` is a process group.
    public static func send(_ signal: Int32, to pid: Int32) throws(SystemError) {
        _ = try system_call("kill", "pid \(pid)") { kill(pid, signal) }
    }

    /// Whether a process `pid` exists: `kill(pid, 0)` did not fail with ESRCH (EPERM means it exists,
    /// owned by another user).
    public static func exists(_ pid: Int32) -> Bool {
        if case .failure(.noSuchProcess) = system_retry("kill", "pid \(pid)", { kill(pid, 0) }) { return false }
        return true
    }

    /// Blocks `signals` in this thread and those it starts afterwards (`pthread_sigmask`), and starts a
    /// thread that takes each with `sigwait` and passes it on to the process group of every child of this
    /// process (`kill(-child)`, children from `/proc/self/task/*/children`). No handler runs arbitrary code.
    public static func forwardToChildGroups(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = signals
        _ = try? WorkerThread.start {
            var set = sigset_t()
            sigemptyset(&set)
            for s in blocked { sigaddset(&set, s) }
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                for child in children() { try? send(received, to: -child) }
            }
        }
    }

    /// This process's children, from `/proc/self/task/*/children`.
    public static func children() -> [Int32] {
        guard let tasks = try? DirectoryHandle.open("/proc/self/task"), let names = try? tasks.entries() else { return [] }
        var pids: [Int32] = []
        for name in names {
            guard let tid = Int(name),
                  let file = try? DirectoryHandle.readWholeFile(path: "/proc/self/task/\(tid)/children", limit: 4095,
                                                                beyondLimit: .truncate) else { continue }
            let text = String(decoding: file.bytes, as: UTF8.self)
            pids += text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
        }
        return pids
    }
}
