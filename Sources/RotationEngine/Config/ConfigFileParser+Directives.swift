#if canImport(Glibc)
import Glibc
#endif

extension ConfigFileParser {
    /// logrotate's `compresscmd` base names whose extension it switches to.
    static let compressExtensions = ["gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst", "compress": ".Z", "zip": ".zip"]

    /// Handles one directive whose keyword has been read; false when the keyword is unknown.
    mutating func directive(_ name: String, at location: SourceLocation) -> Bool {
        switch name {
        // Scheduling
        case "hourly": flag(name) { $0.config.criterion = .every(.hourly) }
        case "daily": flag(name) { $0.config.criterion = .every(.daily) }
        case "monthly": flag(name) { $0.config.criterion = .every(.monthly) }
        case "yearly": flag(name) { $0.config.criterion = .every(.yearly) }
        case "weekly":
            let v = optionalValue()
            var weekday = 0
            if !v.text.isEmpty {
                guard v.text.allSatisfy({ $0.isASCII && $0.isNumber }), let d = Int(v.text), d <= 7 else {
                    error("bad weekday for weekly: '\(v.text)' (0 = Sunday … 6 = Saturday, 7 = every 7 days)", at: v.location)
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
        case "dateext": flag(name) { $0.config.dateExt = true }
        case "nodateext": flag(name) { $0.config.dateExt = false }
        case "dateyesterday": flag(name) { $0.config.dateYesterday = true }
        case "nodateyesterday": flag(name) { $0.config.dateYesterday = false }
        case "datehourago": flag(name) { $0.config.dateHourAgo = true }
        case "nodatehourago": flag(name) { $0.config.dateHourAgo = false }
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
        case "noolddir": flag(name) { $0.config.oldDir = nil }
        case "createolddir":
            let v = optionalValue()
            guard let spec = modeOwnerGroup(v, for: name) else { return true }
            apply {
                $0.createOldDirEnabled = true
                if let m = spec.mode { $0.oldDirValues.mode = m }
                if let u = spec.uid { $0.oldDirValues.uid = u }
                if let g = spec.gid { $0.oldDirValues.gid = g }
            }
        case "nocreateolddir": flag(name) { $0.createOldDirEnabled = false }

        // Compression
        case "compress": flag(name) { $0.config.compress = true }
        case "nocompress": flag(name) { $0.config.compress = false }
        case "delaycompress": flag(name) { $0.config.delayCompress = true }
        case "nodelaycompress": flag(name) { $0.config.delayCompress = false }
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
            let v = optionalValue()
            guard let spec = modeOwnerGroup(v, for: name) else { return true }
            apply {
                $0.createEnabled = true
                if let m = spec.mode { $0.createValues.mode = m }
                if let u = spec.uid { $0.createValues.uid = u }
                if let g = spec.gid { $0.createValues.gid = g }
            }
        case "nocreate": flag(name) { $0.createEnabled = false }
        case "copy": flag(name) { $0.modeSwitches.copy = true }
        case "nocopy": flag(name) { $0.modeSwitches.copy = false }
        case "copytruncate": flag(name) { $0.modeSwitches.copyTruncate = true; $0.modeSwitches.renameCopy = false }
        case "nocopytruncate": flag(name) { $0.modeSwitches.copyTruncate = false }
        case "renamecopy": flag(name) { $0.modeSwitches.renameCopy = true; $0.modeSwitches.copyTruncate = false }
        case "norenamecopy": flag(name) { $0.modeSwitches.renameCopy = false }
        case "su":
            guard let v = value(for: name, at: location) else { return true }
            su(v)

        // File selection
        case "missingok": flag(name) { $0.config.missingOK = true }
        case "nomissingok": flag(name) { $0.config.missingOK = false }
        case "ifempty": flag(name) { $0.config.ifEmpty = true }
        case "notifempty": flag(name) { $0.config.ifEmpty = false }
        case "ignoreduplicates": flag(name) { $0.config.ignoreDuplicates = true }
        case "allowhardlink": flag(name) { $0.config.allowHardlink = true }
        case "noallowhardlink": flag(name) { $0.config.allowHardlink = false }
        case "shred": flag(name) { $0.config.shred = true }
        case "noshred": flag(name) { $0.config.shred = false }
        case "shredcycles":
            guard let v = value(for: name, at: location), let n = number(v, what: "shred cycles", min: 0) else { return true }
            apply { $0.config.shredCycles = n }

        // Mail: parsed, not acted on
        case "mail":
            guard let v = value(for: name, at: location) else { return true }
            guard ConfigValue.isMailAddress(v.text) else {
                error("bad mail address '\(v.text)'", at: v.location)
                return true
            }
            warning("mail is parsed but not acted on: rotatectl sends no mail", at: location)
            apply { $0.config.mail = v.text }
        case "nomail": flag(name) { $0.config.mail = nil }
        case "mailfirst", "maillast":
            warning("\(name) is parsed but not acted on: rotatectl sends no mail", at: location)
            flag(name) { $0.config.mailFirst = name == "mailfirst" }
        case "errors":
            _ = optionalValue()
            warning("the errors directive is deprecated and ignored", at: location)

        // Files
        case "tabooext", "taboopat":
            if inBlock {
                error("\(name) is not allowed inside a block", at: location)
                cursor.skipToEndOfLine()
                return true
            }
            guard let v = value(for: name, at: location) else { return true }
            session.taboo.apply(v.text, asExtensions: name == "tabooext")
        case "include":
            if inBlock {
                error("include is not allowed inside a block", at: location)
                cursor.skipToEndOfLine()
                return true
            }
            guard let v = value(for: name, at: location) else { return true }
            include(ConfigValue.expandHome(v.text), at: location)

        // Scripts
        case "prerotate": let s = script(name, at: location); apply { $0.config.preRotate = s }
        case "postrotate": let s = script(name, at: location); apply { $0.config.postRotate = s }
        case "firstaction": let s = script(name, at: location); apply { $0.config.firstAction = s }
        case "lastaction": let s = script(name, at: location); apply { $0.config.lastAction = s }
        case "preremove": let s = script(name, at: location); apply { $0.config.preRemove = s }
        case "endscript":
            error("endscript without a script before it", at: location)
            cursor.skipToEndOfLine()
        case "sharedscripts": flag(name) { $0.config.sharedScripts = true }
        case "nosharedscripts": flag(name) { $0.config.sharedScripts = false }

        // rotatectl extensions
        case "pidfile":
            guard let v = value(for: name, at: location), let path = plainPath(v, for: name) else { return true }
            guard path.hasPrefix("/") else {
                error("pidfile must be an absolute path, not '\(path)'", at: v.location)
                return true
            }
            apply { $0.config.pidFiles.append(path) }
        case "nopidfile": flag(name) { $0.config.pidFiles = [] }
        case "signal":
            guard let v = value(for: name, at: location) else { return true }
            guard let number = ConfigValue.signal(v.text) else {
                error("unknown signal '\(v.text)' (a name such as HUP, USR1, SIGTERM, or a number 1-64)", at: v.location)
                return true
            }
            if number == SIGKILL || number == SIGSTOP {
                warning("signal \(v.text) cannot be caught: writers will not reopen their logs", at: v.location)
            }
            apply { $0.config.signal = number }
        case "scripttimeout":
            guard let v = value(for: name, at: location), let n = number(v, what: "script timeout", min: 0) else { return true }
            apply { $0.config.scriptTimeout = n }
        case "reopentimeout":
            guard let v = value(for: name, at: location) else { return true }
            guard let seconds = ConfigValue.seconds(v.text), seconds <= 86400 else {
                error("bad reopen timeout '\(v.text)' (seconds, such as 5 or 0.5, at most 86400)", at: v.location)
                return true
            }
            apply { $0.config.reopenTimeout = seconds }
        default:
            return false
        }
        return true
    }

    private mutating func flag(_ name: String, _ body: (inout DirectiveState) -> Void) {
        apply(body)
        endOfFlag(name)
    }

    /// An integer argument as logrotate reads it (`strtol(…, 0)`), between `min` and `Int32.max`.
    private mutating func number(_ v: (text: String, location: SourceLocation), what: String, min: Int64) -> Int? {
        guard let (n, octal) = ConfigValue.integer(v.text), n >= min, n <= Int64(Int32.max) else {
            error("bad \(what) '\(v.text)'", at: v.location)
            return nil
        }
        if octal {
            warning("'\(v.text)' is read as octal, \(n), as logrotate reads it", at: v.location)
        }
        return Int(n)
    }

    /// A path argument: printable, without blanks (logrotate's `readPath`), `~/` expanded.
    private mutating func plainPath(_ v: (text: String, location: SourceLocation), for name: String, expandHome: Bool = true) -> String? {
        guard ConfigValue.isPlainPath(v.text) else {
            error("bad \(name) path '\(v.text)' (no blanks or control characters allowed)", at: v.location)
            return nil
        }
        return expandHome ? ConfigValue.expandHome(v.text) : v.text
    }

    /// `create`/`createolddir` arguments, logrotate 3.21's forms: `MODE`, `MODE OWNER`, `MODE OWNER GROUP`,
    /// `OWNER`, `OWNER GROUP` (a first word of octal digits is the mode). Nil after reporting errors.
    private mutating func modeOwnerGroup(_ v: (text: String, location: SourceLocation), for name: String)
        -> (mode: UInt32?, uid: UInt32?, gid: UInt32?)? {
        var words = v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var mode: UInt32? = nil
        var ok = true
        // logrotate's sscanf("%ho …") takes a first word of octal digits as the mode; one of digits that
        // is not octal is a bad mode when it cannot be a user (leading zero, or three words).
        if let first = words.first, first.allSatisfy({ $0.isASCII && $0.isNumber }),
           first.allSatisfy({ $0 <= "7" }) || first.hasPrefix("0") || words.count == 3 {
            if first.allSatisfy({ $0 >= "0" && $0 <= "7" }), let m = UInt32(first, radix: 8), m <= 0o7777 {
                mode = m
            } else {
                error("bad octal mode '\(first)' for \(name)", at: v.location)
                ok = false
            }
            words.removeFirst()
        }
        if words.count > 2 {
            error("too many arguments for \(name) (\(name) [MODE [OWNER [GROUP]]])", at: v.location)
            return nil
        }
        var uid: UInt32? = nil
        var gid: UInt32? = nil
        if words.count >= 1 {
            uid = AccountLookup.uid(words[0])
            if uid == nil { error("unknown user '\(words[0])' in \(name)", at: v.location); ok = false }
        }
        if words.count == 2 {
            gid = AccountLookup.gid(words[1])
            if gid == nil { error("unknown group '\(words[1])' in \(name)", at: v.location); ok = false }
        }
        return ok ? (mode, uid, gid) : nil
    }

    /// `su USER [GROUP]`: without a group, one given by an earlier `su` stays, else it is an error.
    private mutating func su(_ v: (text: String, location: SourceLocation)) {
        let words = v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.count > 2 {
            error("too many arguments for su (su USER GROUP)", at: v.location)
            return
        }
        let uid = AccountLookup.uid(words[0])
        if uid == nil { error("unknown user '\(words[0])' in su", at: v.location) }
        var gid = current.suGID
        if words.count == 2 {
            gid = AccountLookup.gid(words[1])
            if gid == nil { error("unknown group '\(words[1])' in su", at: v.location) }
        } else if gid == nil {
            error("su needs a group (su USER GROUP)", at: v.location)
            return
        }
        guard let uid, let gid else { return }
        apply { $0.suEnabled = true; $0.suUID = uid; $0.suGID = gid }
    }

    /// Reads an included file or directory at this point, with the current globals; a relative path is
    /// taken from the including file's directory.
    private mutating func include(_ path: String, at location: SourceLocation) {
        var resolved = path
        if !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") {
            resolved = String(file[...slash]) + path
        }
        let session = self.session
        session.readPath(resolved, globals: &globals, includedFrom: location)
    }
}
