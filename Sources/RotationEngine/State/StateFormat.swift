/// The two layouts of a state file rotatectl reads; it writes only logrotate's.
///
/// - `logrotate`: logrotate's own `logrotate state -- version 2` file. Each line is
///   `"PATH" Y-M-D-h:m:s` in local time; inside the quotes `"` is written `\"`, a backslash `\\` and a
///   newline `\n`, every other byte as it is. logrotate aborts its whole state read on a line with more
///   than two words or a year outside 1970...2100, so this layout never carries anything else. Every
///   write is in this layout, so an administrator can go back to logrotate, or edit a date by hand, and
///   be obeyed: the planner needs no more than the local date to the second (its periods are civil
///   hours, days, weeks, months and years), so the line is the whole truth.
/// - `rotatectl`: header `rotatectl state -- version 1`, written by earlier versions; each line is
///   `"PATH" Y-M-D-h:m:s @EPOCH`. The same escapes plus `\t`, `\r` and `\xHH` for the other control
///   bytes. Read, with `@EPOCH` authoritative, and rewritten in logrotate's layout by the next write.
///   `STATE.pending` (`PendingMarks`) still uses its lines: it lives only until the run's next write.
public enum StateFormat: Sendable, Equatable, Hashable {
    case logrotate
    case rotatectl

    static let logrotateHeaderV1 = Array("logrotate state -- version 1".utf8)
    static let logrotateHeaderV2 = Array("logrotate state -- version 2".utf8)
    static let rotatectlHeader = Array("rotatectl state -- version 1".utf8)

    var header: [UInt8] {
        switch self {
        case .logrotate: StateFormat.logrotateHeaderV2
        case .rotatectl: StateFormat.rotatectlHeader
        }
    }
}
