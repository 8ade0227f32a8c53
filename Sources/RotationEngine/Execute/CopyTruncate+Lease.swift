#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// When copytruncate may cut more than collapse alone allows: the write lease (nobody else has the log
/// open) and, for a log ending exactly on a block boundary, a writer appending past it.
extension CopyTruncate {
    /// How long a log ending exactly on a block boundary waits for a writer to append past it.
    static let alignedWait = 0.25

    /// What happened while a block-aligned log was watched.
    enum Boundary: Equatable {
        /// It grew past the boundary: every block it had can be collapsed.
        case grew
        /// Nobody else holds it any more: the write lease was taken at this monotonic time.
        case leased(at: Double)
        /// Neither within `alignedWait`.
        case unchanged
    }

    /// How long the kernel lets an open wait for a lease to be released (`/proc/sys/fs/lease-break-time`).
    static var leaseBreakSeconds: Double {
        ProcFS.read("/proc/sys/fs/lease-break-time").flatMap { Double($0.filter { !$0.isWhitespace }) } ?? 45
    }

    /// Whether a write lease on `live` was taken: at once when `/proc` showed no writer, else (for a
    /// file too small to collapse, where the fallback could lose a line) tried again for up to `waiting`
    /// seconds, since a writer that opens the file per line (`>>`) leaves it unheld between lines.
    static func leaseWhenFree(_ live: FileDescriptor, path: String, writers: [OpenWriter], waiting: Double) -> Bool {
        if writers.isEmpty && live.takeWriteLease(path: path) { return true }
        let deadline = monotonicNow() + waiting
        while monotonicNow() < deadline {
            sleepSeconds(0.002)
            if live.takeWriteLease(path: path) { return true }
        }
        return false
    }

    /// For a log `size` bytes long, a whole number of blocks, whose last block collapse cannot take (the
    /// range may not reach the end of the file): polls `fstat` and the write lease for up to
    /// `alignedWait` seconds until a writer appends past `size` or nobody holds the log any more.
    static func awaitGrowthOrLease(_ live: FileDescriptor, path: String, beyond size: Int64) throws(SystemError) -> Boundary {
        let deadline = monotonicNow() + alignedWait
        while true {
            if try live.status(path: path).size > size { return .grew }
            if live.takeWriteLease(path: path) { return .leased(at: monotonicNow()) }
            if monotonicNow() >= deadline { return .unchanged }
            sleepSeconds(0.002)
        }
    }
}
