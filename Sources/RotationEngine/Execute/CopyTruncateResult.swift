/// What `CopyTruncate.perform` did.
public struct CopyTruncateResult: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// The copied prefix was cut from the live file with `fallocate(FALLOC_FL_COLLAPSE_RANGE)`:
        /// nothing a writer appended meanwhile is lost.
        case collapse
        /// The file system cannot collapse (tmpfs, ...), or the file is smaller than one block: the live
        /// file was copied, caught up and truncated to 0. Bytes appended between the last catch-up and the
        /// truncation are lost.
        case truncate
        /// No other process had the file open: it was copied whole and truncated to 0 under a write lease
        /// (`F_SETLEASE`), which makes any process opening it meanwhile wait. Nothing at risk.
        case whole
    }
    /// Bytes now in the copy.
    public var bytesCopied: Int64
    public var method: Method
    /// For `.truncate`: an estimate of the bytes writers may have appended between the last catch-up copy
    /// and the truncation (their append rate during the copy times that window); 0 for `.collapse`.
    public var bytesAtRisk: Int64 = 0
    /// Bytes left in the live file right after the operation (the part past the last block boundary plus
    /// what was appended meanwhile, for `.collapse`).
    public var bytesKept: Int64 = 0
    /// The copy does not end with a newline: a line straddles the block boundary, its head ends the copy
    /// and its tail begins the live file.
    public var endsMidLine = false
    public var warnings: [String] = []
}

extension CopyTruncateResult.Method {
    /// How the copy was cut from the live file, for the action's line.
    var summary: String {
        switch self {
        case .collapse: return "collapse-range: nothing at risk"
        case .truncate: return "truncate"
        case .whole: return "nobody had it open: nothing at risk"
        }
    }
}
