#if canImport(Glibc)
import Glibc
#endif

/// Standard output, a line at a time with `write(2)` straight to descriptor 1: Swift's `print` buffers
/// fully when the output is a file or a pipe, so a run killed mid-set (a timeout, the OOM killer) would
/// lose the record of what it did; this never holds back a line.
public enum StandardOutput {
    /// Writes `line` and a newline, retrying on EINTR and short writes; gives up silently on an error
    /// (a closed pipe: there is nowhere to report it).
    public static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { p in
                system_retry("write", "standard output") { Glibc.write(1, p.baseAddress.map { $0 + done }, p.count - done) }
            }
            guard case .success(let n) = result, n > 0 else { return }
            done += n
        }
    }
}
