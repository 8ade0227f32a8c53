#if canImport(Glibc)
import Glibc
#endif

/// While `rotatectl lock` runs its command, SIGTERM, SIGINT and SIGHUP sent to rotatectl are passed on to
/// the command's process group (it runs in a group of its own), so stopping the lock holder stops what
/// it protects instead of leaving it running without the lock. The signals are blocked and taken by
/// `sigwait` on a thread of its own: no handler runs arbitrary code.
enum SignalForwarder {
    static let forwarded: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    static func start() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in forwarded { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { _ in
            var set = sigset_t()
            sigemptyset(&set)
            for s in SignalForwarder.forwarded { sigaddset(&set, s) }
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                for child in SignalForwarder.children() { _ = kill(-child, received) }
            }
        }, nil)
    }

    /// Our children's pids, from `/proc/self/task/*/children`.
    static func children() -> [pid_t] {
        var pids: [pid_t] = []
        guard let dir = opendir("/proc/self/task") else { return [] }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard let tid = Int(name) else { continue }
            guard let f = fopen("/proc/self/task/\(tid)/children", "r") else { continue }
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = fread(&buffer, 1, buffer.count - 1, f)
            fclose(f)
            let text = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            pids += text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { pid_t($0) }
        }
        return pids
    }
}
