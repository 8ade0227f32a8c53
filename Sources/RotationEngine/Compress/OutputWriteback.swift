import SystemPackage

/// Has the kernel start writing a growing output back while it is still being compressed
/// (`FileDescriptor.startWriteback`, `sync_file_range(2)`), each time `interval` more bytes have been
/// written, so that the `fsync` that makes the output durable waits for its last stretch instead of all
/// of it. A hint only: it makes nothing durable and its failure fails nothing, since the `fsync` or
/// `syncfs` that follows is what reports a write error and what the commit waits for.
struct OutputWriteback {
    /// Bytes written between two writebacks: an output smaller than this never starts one.
    static let defaultInterval: Int64 = 8 << 20

    let interval: Int64
    /// Bytes written so far, counted from where the compressor began writing (a fresh output's start).
    private(set) var written: Int64 = 0
    /// Where the next writeback starts: everything before it has been handed to the kernel.
    private(set) var started: Int64 = 0

    init(interval: Int64 = OutputWriteback.defaultInterval) {
        self.interval = max(1, interval)
    }

    /// Counts `count` more bytes written; returns the offset from which a writeback is due now, or nil.
    mutating func wrote(_ count: Int) -> Int64? {
        written += Int64(count)
        guard written - started >= interval else { return nil }
        defer { started = written }
        return started
    }

    /// Counts `count` more bytes written to `destination` and, when due, starts writing back everything
    /// from the last start to the end of the file. A failure is ignored: see the type's comment.
    mutating func wrote(_ count: Int, to destination: FileDescriptor, path: String) {
        guard let from = wrote(count) else { return }
        _ = try? destination.startWriteback(from: from, path: path)
    }
}
