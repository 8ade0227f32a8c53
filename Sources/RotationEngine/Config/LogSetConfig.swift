/// Where something was written in a configuration file.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?
    public init(file: String, line: Int, column: Int? = nil) { self.file = file; self.line = line; self.column = column }
    /// `FILE:LINE[:COLUMN]`; line 0 stands for the file as a whole and prints as `FILE`.
    public var description: String {
        if line <= 0 { return file }
        return column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }
}

/// A time-based rotation interval. `weekly` carries logrotate's optional weekday (0 = Sunday … 6,
/// 7 = every 7 days regardless of weekday).
public enum Frequency: Sendable, Equatable, Hashable {
    case hourly, daily, weekly(weekday: Int), monthly, yearly
}

/// A script block: its text and where it started.
public struct Script: Sendable, Equatable, Hashable {
    public var text: String
    public var location: SourceLocation
    public init(text: String, location: SourceLocation) { self.text = text; self.location = location }
}

/// `create [mode [owner [group]]]`: nil parts are copied from the rotated file.
public struct CreateSpec: Sendable, Equatable, Hashable {
    public var mode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    public init(mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil) { self.mode = mode; self.uid = uid; self.gid = gid }
}

/// Every setting of one log set, after global defaults and the block's own directives are merged.
/// The property initialisers are the one set of defaults, logrotate 3.21's (`readAllConfigPaths`):
/// size-based at 1 MiB, rotate 0, start 1, ifempty, no `create`, no compression options.
public struct LogSetConfig: Sendable, Equatable {
    /// The size criterion when no size and no frequency is given.
    public static let defaultSize: Int64 = 1024 * 1024

    public var patterns: [String] = []
    /// The patterns as written before the block's `{` (spacing, quotes, line breaks and all): what
    /// logrotate passes shared scripts and firstaction/lastaction as their argument. Empty when the set
    /// was not read from a file.
    public var patternText = ""
    /// Where the block starts: its first pattern (the `{` may be lines below, after more patterns).
    public var location: SourceLocation = SourceLocation(file: "", line: 0)
    /// The configuration file the block was written in (the same as `location.file`).
    public var configFile: String = ""

    // Triggers
    public var criterion: RotationCriterion = .size(LogSetConfig.defaultSize)
    /// The interval of a time-based criterion. Setting one makes the criterion time-based; setting nil
    /// over one brings back the default size.
    public var frequency: Frequency? {
        get { if case .every(let f) = criterion { f } else { nil } }
        set {
            if let newValue { criterion = .every(newValue) }
            else if frequency != nil { criterion = .size(Self.defaultSize) }
        }
    }
    /// The threshold of a size criterion. Setting one replaces any frequency; setting nil over one
    /// brings back the default size.
    public var size: Int64? {
        get { if case .size(let s) = criterion { s } else { nil } }
        set {
            if let newValue { criterion = .size(newValue) }
            else if size != nil { criterion = .size(Self.defaultSize) }
        }
    }
    public var minSize: Int64? = nil
    public var maxSize: Int64? = nil
    /// Days.
    public var minAge: Int? = nil
    /// Days; nil for none.
    public var maxAge: Int? = nil
    public var ifEmpty: Bool = true
    public var missingOK: Bool = false

    // Naming
    public var rotate: Int = 0
    public var start: Int = 1
    public var extension_: String? = nil
    public var addExtension: String? = nil
    public var dateExt: Bool = false
    public var dateFormat: String = "-%Y%m%d"
    public var dateYesterday: Bool = false
    /// `datehourago`: use the time one hour ago for the date extension.
    public var dateHourAgo: Bool = false
    public var oldDir: String? = nil
    public var createOldDir: CreateSpec? = nil

    // Compression
    public var compress: Bool = false
    public var delayCompress: Bool = false
    public var compressCommand: String = "gzip"
    public var uncompressCommand: String = "gunzip"
    public var compressOptions: [String] = []
    public var compressExtension: String? = nil

    // Creation
    public var create: CreateSpec? = nil
    /// `copy`, `copytruncate`, `renamecopy`, or none of them.
    public var mode: RotationMode = .rename
    public var su: (uid: UInt32, gid: UInt32)? = nil

    // Scripts
    public var sharedScripts: Bool = false
    public var preRotate: Script? = nil
    public var postRotate: Script? = nil
    public var firstAction: Script? = nil
    public var lastAction: Script? = nil
    public var preRemove: Script? = nil
    /// Seconds a script may run before it is killed.
    public var scriptTimeout: Int = 300

    // Files
    public var allowHardlink: Bool = false
    public var ignoreDuplicates: Bool = false
    /// `shred`: remove old logs with `shred -u`; `shredcycles N` passes `-n N` (nil: shred's default).
    public var shred: Bool = false
    public var shredCycles: Int? = nil

    // Mail
    /// `mail ADDRESS`; nil for `nomail`.
    public var mail: String? = nil
    /// `mailfirst` (true) or `maillast` (false, the default).
    public var mailFirst: Bool = false

    // rotatectl extensions
    public var pidFiles: [String] = []
    public var signal: Int32 = 1   // SIGHUP
    public var maxTotalSize: Int64? = nil
    /// Seconds to wait, after signalling, for writers to close a rotated file.
    public var reopenTimeout: Double = 5

    public init() {}

    /// The compressed file extension: `compressext`, else `.gz` for gzip.
    public var effectiveCompressExtension: String {
        if let ext = compressExtension { return ext }
        return compressCommand.hasSuffix("gzip") || compressCommand.hasSuffix("pigz") ? ".gz"
            : compressCommand.hasSuffix("bzip2") ? ".bz2"
            : compressCommand.hasSuffix("xz") ? ".xz"
            : compressCommand.hasSuffix("zstd") ? ".zst" : ".gz"
    }

    public static func == (a: LogSetConfig, b: LogSetConfig) -> Bool {
        a.patterns == b.patterns && a.location == b.location && a.criterion == b.criterion
            && a.minSize == b.minSize && a.maxSize == b.maxSize && a.minAge == b.minAge && a.maxAge == b.maxAge
            && a.ifEmpty == b.ifEmpty && a.missingOK == b.missingOK && a.rotate == b.rotate && a.start == b.start
            && a.extension_ == b.extension_ && a.addExtension == b.addExtension && a.dateExt == b.dateExt
            && a.dateFormat == b.dateFormat && a.dateYesterday == b.dateYesterday && a.oldDir == b.oldDir
            && a.createOldDir == b.createOldDir && a.compress == b.compress && a.delayCompress == b.delayCompress
            && a.compressCommand == b.compressCommand && a.uncompressCommand == b.uncompressCommand
            && a.compressOptions == b.compressOptions && a.compressExtension == b.compressExtension
            && a.create == b.create && a.mode == b.mode
            && a.su?.uid == b.su?.uid && a.su?.gid == b.su?.gid && a.sharedScripts == b.sharedScripts
            && a.preRotate == b.preRotate && a.postRotate == b.postRotate && a.firstAction == b.firstAction
            && a.lastAction == b.lastAction && a.preRemove == b.preRemove && a.scriptTimeout == b.scriptTimeout
            && a.allowHardlink == b.allowHardlink && a.ignoreDuplicates == b.ignoreDuplicates
            && a.pidFiles == b.pidFiles && a.signal == b.signal && a.maxTotalSize == b.maxTotalSize
            && a.reopenTimeout == b.reopenTimeout && a.configFile == b.configFile
            && a.dateHourAgo == b.dateHourAgo && a.shred == b.shred && a.shredCycles == b.shredCycles
            && a.mail == b.mail && a.mailFirst == b.mailFirst
    }
}

/// A parsed configuration: the log sets of every file read, and what was wrong or doubtful in them.
public struct Configuration: Sendable {
    /// The blocks to act on: a block with an error is not among them (see `droppedBlocks`).
    public var logSets: [LogSetConfig] = []
    public var diagnostics: [ConfigDiagnostic] = []
    /// Every configuration file read, in the order it was read.
    public var filesRead: [String] = []
    public init() {}

    /// The errors, without the notes of the blocks they dropped.
    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error && $0.droppedPatterns == nil } }
    /// One note per block dropped, at the block, after the error that dropped it.
    public var droppedBlocks: [ConfigDiagnostic] { diagnostics.filter { $0.droppedPatterns != nil } }
}

/// An error, warning or note in a configuration file, printed as `PATH:LINE[:COL]: severity: message`. An
/// error drops the block that holds it (or, outside a block, the rest of its file), as logrotate does;
/// each block dropped has a note of its own, an error with `droppedPatterns`. A warning drops nothing.
/// A note is what logrotate says only when asked for its trace (`-d`, `-v`): a run shows it only then.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The patterns of the block this note says is dropped; nil for every other diagnostic.
    public var droppedPatterns: [String]?
    public init(_ severity: Severity, _ location: SourceLocation, _ message: String, droppedPatterns: [String]? = nil) {
        self.severity = severity; self.location = location; self.message = message; self.droppedPatterns = droppedPatterns
    }
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}
