/// The settings in force at one point of a configuration: the globals, or a block being read. It starts
/// from `LogSetConfig`'s defaults. Besides the `LogSetConfig` it keeps what logrotate keeps apart from
/// the on/off switches, so that `nocreate` followed by `create` brings back the earlier mode and owner,
/// and `nocopytruncate` after `copy` and `copytruncate` leaves `copy`, as in logrotate.
struct DirectiveState: Sendable {
    var config = LogSetConfig()
    var modeSwitches = RotationMode.Switches()
    var createEnabled = false
    var createValues = CreateSpec()
    var createOldDirEnabled = false
    var oldDirValues = CreateSpec()
    var suEnabled = false
    var suUID: UInt32? = nil
    var suGID: UInt32? = nil
    /// Whether `dateformat` was given; if not, `hourly` sets use `-%Y%m%d%H`.
    var dateFormatExplicit = false

    /// The log set of a block closed with these settings.
    func finished(patterns: [String], text: String = "", location: SourceLocation) -> LogSetConfig {
        var c = config
        c.patterns = patterns
        c.patternText = text
        c.location = location
        c.configFile = location.file
        c.create = createEnabled ? createValues : nil
        c.mode = modeSwitches.mode
        c.createOldDir = createOldDirEnabled ? oldDirValues : nil
        if suEnabled, let uid = suUID, let gid = suGID { c.su = (uid, gid) } else { c.su = nil }
        if !dateFormatExplicit { c.dateFormat = c.frequency == .hourly ? "-%Y%m%d%H" : "-%Y%m%d" }
        return c
    }
}
