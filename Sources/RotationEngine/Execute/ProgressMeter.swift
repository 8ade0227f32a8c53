#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A progress line for long compressions, on a terminal only: every half second it rewrites one line of
/// standard error with the bytes read so far (the process's `rchar` in `/proc/self/io`, which counts
/// what zlib's readers consume), the rate and an estimate of the time left. Never in cron mail or the
/// journal: when standard error is not a terminal it does nothing.
final class ProgressMeter: Sendable {
    private final class Flag: Sendable { let stopped = Atomic<Bool>(false) }
    private let flag = Flag()
    private let thread: WorkerThread?

    /// Starts a meter for `total` bytes, or none when stderr is not a terminal or the job is small.
    static func start(label: String, total: Int64, enabled: Bool) -> ProgressMeter? {
        guard enabled, total >= 32 << 20, StandardError.isTerminal else { return nil }
        return ProgressMeter(label: label, total: total)
    }

    private init(label: String, total: Int64) {
        let start = ProgressMeter.readBytes()
        let began = monotonicNow()
        let flag = self.flag
        thread = try? WorkerThread.start { [flag] in
            var lastPrinted = began
            while !flag.stopped.load(ordering: .acquiring) {
                sleepSeconds(0.1)
                let t = monotonicNow()
                guard t - lastPrinted >= 0.5 else { continue }
                lastPrinted = t
                let done = max(0, min(total, ProgressMeter.readBytes() - start))
                let rate = Double(done) / max(t - began, 0.001)
                let left = rate > 0 ? Double(total - done) / rate : 0
                let line = "\r\u{1B}[K\(label): \(Bytes(done)) of \(Bytes(total)), \(Bytes(Int64(rate)))/s, \(Int(left.rounded())) s left"
                ProgressMeter.writeStderr(line)
            }
            ProgressMeter.writeStderr("\r\u{1B}[K")
        }
    }

    func finish() {
        flag.stopped.store(true, ordering: .releasing)
        thread?.join()
    }

    /// `rchar` of `/proc/self/io`: bytes this process has read so far.
    static func readBytes() -> Int64 {
        guard let text = ProcFS.read("/proc/self/io") else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
            return Int64(line.dropFirst(6).trimmingSpaces()) ?? 0
        }
        return 0
    }

    static func writeStderr(_ s: String) {
        let bytes = Array(s.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
