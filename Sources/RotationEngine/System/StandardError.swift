#if canImport(Glibc)
import Glibc
#endif

/// Standard error, written with `write(2)` straight to descriptor 2 (no buffer to lose at `_exit`).
public enum StandardError {
    /// Writes `line` and a newline, retrying on EINTR and short writes; gives up silently on an error
    /// (there is nowhere left to report it). Never subject to forced faults: it reports them.
    public static func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let result = bytes.withUnsafeBytes { p in
                system_retryUninjected { Glibc.write(2, p.baseAddress.map { $0 + done }, p.count - done) }
            }
            guard case .success(let n) = result, n > 0 else { return }
            done += n
        }
    }

    /// Whether standard error is a terminal (`isatty(2)`).
    public static var isTerminal: Bool { isatty(2) == 1 }
}
