#if canImport(Glibc)
import Glibc
#endif

/// The directives of logrotate's language and rotatectl's: the flags by table, the others by concern in
/// `valueDirective` (scheduling, retention, naming, compression, creation) and `otherDirective` (this file
/// and `+OtherDirectives`); values are checked here and every error names its file, line and column.
extension ConfigFileParser {
    /// logrotate's `compresscmd` base names whose extension it switches to.
    static let compressExtensions = ["gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst", "compress": ".Z", "zip": ".zip"]

    /// Handles one directive whose keyword has been read; false when the keyword is unknown.
    mutating func directive(_ name: String, at location: SourceLocation) -> Bool {
        if Self.criteria.contains(name) { noteCriterion(name, at: location) }
        if let body = Self.flags[name] {
            flag(name, body)
            return true
        }
        return valueDirective(name, at: location) || otherDirective(name, at: location)
    }

    /// The directives that take values and shape the rotation itself; false for any other.
    mutating func valueDirective(_ name: String, at location: SourceLocation) -> Bool {
        switch name {
        // Scheduling
        case "weekly":
            let v = optionalValue()
            var weekday = 0
            if !v.text.isEmpty {
                guard v.text.allSatisfy({ $0.isASCII && $0.isNumber }), let d = Int(v.text), d <= 7 else {
                    // logrotate gives up on the rest of the file here, not only the block.
                    error("bad weekday for weekly: '\(v.text)' (0 = Sunday … 6 = Saturday, 7 = every 7 days)", at: v.location, drops: .restOfFile)
                    return true
                }
                weekday = d
            }
            apply { $0.config.criterion = .every(.weekly(weekday: weekday)) }
        case "size", "minsize", "maxsize", "maxtotalsize":
            guard let v = value(for: name, at: location) else { return true }
            switch ConfigValue.size(v.text) {
            case .failure(.unit(let u)):
                error("unknown unit '\(u)' in \(name) '\(v.text)' (units: k, K, M, G)", at: v.location)
            case .failure:
                error("bad \(name) '\(v.text)'", at: v.location)
            case .success(let bytes):
                switch name {
                case "size": apply { $0.config.criterion = .size(bytes) }
                case "minsize": apply { $0.config.minSize = bytes == 0 ? nil : bytes }
                case "maxsize": apply { $0.config.maxSize = bytes == 0 ? nil : bytes }
                default: apply { $0.config.maxTotalSize = bytes == 0 ? nil : bytes }
                }
            }
        case "minage", "maxage":
            guard let v = value(for: name, at: location),
                  let days = number(v, what: name == "minage" ? "minimum age" : "maximum age", min: 0) else { return true }
            if name == "minage" { apply { $0.config.minAge = days == 0 ? nil : days } }
            else { apply { $0.config.maxAge = days == 0 ? nil : days } }

        // Retention and naming
        case "rotate":
            guard let v = value(for: name, at: location), let n = number(v, what: "rotation count", min: -1) else { return true }
            apply { $0.config.rotate = n }
        case "start":
            guard let v = value(for: name, at: location), let n = number(v, what: "start count", min: 0) else { return true }
            apply { $0.config.start = n }
        case "extension", "addextension":
            guard let v = value(for: name, at: location) else { return true }
            if v.text.contains("/") {
                error("\(name) must not contain '/'", at: v.location)
                return true
            }
            if name == "extension" { apply { $0.config.extension_ = v.text } } else { apply { $0.config.addExtension = v.text } }
        case "dateformat":
            guard let v = value(for: name, at: location) else { return true }
            if let problem = ConfigValue.dateFormatProblem(v.text) {
                error(problem, at: v.location)
                return true
            }
            apply { $0.config.dateFormat = v.text; $0.dateFormatExplicit = true }
        case "olddir":
            guard let v = value(for: name, at: location), let path = plainPath(v, for: name) else { return true }
            apply { $0.config.oldDir = path }
        case "createolddir":
            creation(name, enabling: \.createOldDirEnabled, values: \.oldDirValues)

        // Compression
        case "compresscmd":
            guard let v = value(for: name, at: location), let command = plainPath(v, for: name, expandHome: false) else { return true }
            let base = String(command.split(separator: "/").last ?? Substring(command))
            apply {
                $0.config.compressCommand = command
                if let ext = Self.compressExtensions[base] { $0.config.compressExtension = ext }
            }
        case "uncompresscmd":
            guard let v = value(for: name, at: location), let command = plainPath(v, for: name, expandHome: false) else { return true }
            apply { $0.config.uncompressCommand = command }
        case "compressext":
            guard let v = value(for: name, at: location), let ext = plainPath(v, for: name, expandHome: false) else { return true }
            apply { $0.config.compressExtension = ext }
        case "compressoptions":
            guard let v = value(for: name, at: location) else { return true }
            guard let words = ConfigValue.arguments(v.text), !words.isEmpty else {
                error("invalid compression options '\(v.text)' (unbalanced quote or trailing backslash)", at: v.location)
                return true
            }
            apply { $0.config.compressOptions = words }

        // Creation
        case "create":
            creation(name, enabling: \.createEnabled, values: \.createValues)
        case "su":
            guard let v = value(for: name, at: location) else { return true }
            su(v)
        default:
            return false
        }
        return true
    }

    /// `create` or `createolddir` with its optional mode, owner and group: switched on, and what is given
    /// replaces what an earlier line (or the defaults) said.
    private mutating func creation(_ name: String, enabling enabled: WritableKeyPath<DirectiveState, Bool>,
                                   values: WritableKeyPath<DirectiveState, CreateSpec>) {
        let v = optionalValue()
        guard let spec = modeOwnerGroup(v, for: name) else { return }
        apply {
            $0[keyPath: enabled] = true
            if let m = spec.mode { $0[keyPath: values].mode = m }
            if let u = spec.uid { $0[keyPath: values].uid = u }
            if let g = spec.gid { $0[keyPath: values].gid = g }
        }
    }
}
