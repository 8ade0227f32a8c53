/// How a due log becomes its newest old generation: exactly one of logrotate's four ways.
public enum RotationMode: Sendable, Equatable, Hashable {
    /// Rename the log (and make a new one if `create` is set): logrotate's default.
    case rename
    /// `copy`: copy the log and leave it as it is.
    case copy
    /// `copytruncate`: copy the log, then remove the copied bytes from it.
    case copyTruncate
    /// `renamecopy`: rename to `NAME.tmp`, run postrotate, then copy to the final name (logrotate's
    /// LOG_FLAG_TMPFILENAME).
    case renameCopy
}

extension RotationMode {
    /// The three directives as logrotate keeps them while it reads a configuration: `copy` is a switch
    /// of its own, `copytruncate` and `renamecopy` clear each other. Kept apart from the mode so that a
    /// later `no` form brings back what an earlier directive chose (`copy`, `copytruncate`,
    /// `nocopytruncate` is `copy`).
    struct Switches: Sendable, Equatable {
        var copy = false
        var copyTruncate = false
        var renameCopy = false

        /// logrotate's precedence: copytruncate over copy, copy over renamecopy.
        var mode: RotationMode {
            copyTruncate ? .copyTruncate : copy ? .copy : renameCopy ? .renameCopy : .rename
        }
    }
}

/// What makes a log due: its size, or a time-based interval (each replaces the other, as in logrotate).
public enum RotationCriterion: Sendable, Equatable, Hashable {
    /// `size`: rotate when at least this many bytes, whatever the time.
    case size(Int64)
    /// `hourly`, `daily`, `weekly`, `monthly`, `yearly`.
    case every(Frequency)
}
