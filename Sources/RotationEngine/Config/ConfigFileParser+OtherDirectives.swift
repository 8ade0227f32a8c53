#if canImport(Glibc)
import Glibc
#endif

extension ConfigFileParser {
    /// The directives that only switch something on or off, as logrotate's flags.
    static let flags: [String: @Sendable (inout DirectiveState) -> Void] = [
        "hourly": { $0.config.criterion = .every(.hourly) },
        "daily": { $0.config.criterion = .every(.daily) },
        "monthly": { $0.config.criterion = .every(.monthly) },
        "yearly": { $0.config.criterion = .every(.yearly) },
        "dateext": { $0.config.dateExt = true },
        "nodateext": { $0.config.dateExt = false },
        "dateyesterday": { $0.config.dateYesterday = true },
        "nodateyesterday": { $0.config.dateYesterday = false },
        "datehourago": { $0.config.dateHourAgo = true },
        "nodatehourago": { $0.config.dateHourAgo = false },
        "noolddir": { $0.config.oldDir = nil },
        "nocreateolddir": { $0.createOldDirEnabled = false },
        "compress": { $0.config.compress = true },
        "nocompress": { $0.config.compress = false },
        "delaycompress": { $0.config.delayCompress = true },
        "nodelaycompress": { $0.config.delayCompress = false },
        "nocreate": { $0.createEnabled = false },
        "copy": { $0.modeSwitches.copy = true },
        "nocopy": { $0.modeSwitches.copy = false },
        "copytruncate": { $0.modeSwitches.copyTruncate = true; $0.modeSwitches.renameCopy = false },
        "nocopytruncate": { $0.modeSwitches.copyTruncate = false },
        "renamecopy": { $0.modeSwitches.renameCopy = true; $0.modeSwitches.copyTruncate = false },
        "norenamecopy": { $0.modeSwitches.renameCopy = false },
        "missingok": { $0.config.missingOK = true },
        "nomissingok": { $0.config.missingOK = false },
        "ifempty": { $0.config.ifEmpty = true },
        "notifempty": { $0.config.ifEmpty = false },
        "ignoreduplicates": { $0.config.ignoreDuplicates = true },
        "allowhardlink": { $0.config.allowHardlink = true },
        "noallowhardlink": { $0.config.allowHardlink = false },
        "shred": { $0.config.shred = true },
        "noshred": { $0.config.shred = false },
        "nomail": { $0.config.mail = nil },
        "sharedscripts": { $0.config.sharedScripts = true },
        "nosharedscripts": { $0.config.sharedScripts = false },
        "nopidfile": { $0.config.pidFiles = [] },
    ]

    /// The directives about file selection, mail, includes, scripts and rotatectl's extensions; false for any other.
    mutating func otherDirective(_ name: String, at location: SourceLocation) -> Bool {
        switch name {
        // File selection
        case "shredcycles":
            guard let v = value(for: name, at: location), let n = number(v, what: "shred cycles", min: 0) else { return true }
            apply { $0.config.shredCycles = n }

        // Mail
        case "mail":
            guard let v = value(for: name, at: location) else { return true }
            guard ConfigValue.isMailAddress(v.text) else {
                error("bad mail address '\(v.text)'", at: v.location)
                return true
            }
            apply { $0.config.mail = v.text }
        case "mailfirst", "maillast":
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
            warning("endscript without a script before it: the line is ignored", at: location)
            cursor.skipToEndOfLine()

        // rotatectl extensions
        case "pidfile":
            guard let v = value(for: name, at: location), let path = plainPath(v, for: name) else { return true }
            guard path.hasPrefix("/") else {
                error("pidfile must be an absolute path, not '\(path)'", at: v.location)
                return true
            }
            apply { $0.config.pidFiles.append(path) }
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
        case "compressformat":
            guard let v = value(for: name, at: location) else { return true }
            compressFormat(v)
        default:
            return false
        }
        return true
    }
}
