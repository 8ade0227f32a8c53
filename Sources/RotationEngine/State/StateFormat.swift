/// The two layouts of a state file.
///
/// - `logrotate`: logrotate's own `logrotate state -- version 2` file. Each line is
///   `"PATH" Y-M-D-h:m:s` in local time; inside the quotes `"` is written `\"`, a backslash `\\` and a
///   newline `\n`, every other byte as it is. logrotate aborts its whole state read on a line with more
///   than two words or a year outside 1970...2100, so this layout never carries anything else.
/// - `rotatectl`: header `rotatectl state -- version 1`; each line is `"PATH" Y-M-D-h:m:s @EPOCH`. The
///   same escapes plus `\t`, `\r` and `\xHH` for the other control bytes (and NUL), so a line is always
///   printable. `@EPOCH` (seconds, may be negative) is authoritative and survives daylight-saving
///   changes; the local date beside it is for people. A line without `@EPOCH` is read by its date, so a
///   hand-edited line may simply drop it. logrotate rejects this header, so it cannot read this layout.
///
/// A file keeps the layout it was read in (`StateStore.update`), so pointing rotatectl at
/// `/var/lib/logrotate/status` leaves a file logrotate can still read.
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
