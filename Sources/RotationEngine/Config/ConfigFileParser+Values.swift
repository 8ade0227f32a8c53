#if canImport(Glibc)
import Glibc
#endif

/// The values directives take: flags, numbers, paths, mode/owner/group, `su`, includes.
extension ConfigFileParser {
    mutating func flag(_ name: String, _ body: (inout DirectiveState) -> Void) {
        apply(body)
        endOfFlag(name)
    }

    /// An integer argument as logrotate reads it (`strtol(…, 0)`), between `min` and `Int32.max`.
    mutating func number(_ v: (text: String, location: SourceLocation), what: String, min: Int64) -> Int? {
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
    mutating func plainPath(_ v: (text: String, location: SourceLocation), for name: String, expandHome: Bool = true) -> String? {
        guard ConfigValue.isPlainPath(v.text) else {
            error("bad \(name) path '\(v.text)' (no blanks or control characters allowed)", at: v.location)
            return nil
        }
        return expandHome ? ConfigValue.expandHome(v.text) : v.text
    }

    /// `create`/`createolddir` arguments, logrotate 3.21's forms: `MODE`, `MODE OWNER`, `MODE OWNER GROUP`,
    /// `OWNER`, `OWNER GROUP` (a first word of octal digits is the mode). Nil after reporting errors.
    mutating func modeOwnerGroup(_ v: (text: String, location: SourceLocation), for name: String)
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
            uid = session.accounts.uid(words[0])
            if uid == nil { error("unknown user '\(words[0])' in \(name)", at: v.location); ok = false }
        }
        if words.count == 2 {
            gid = session.accounts.gid(words[1])
            if gid == nil { error("unknown group '\(words[1])' in \(name)", at: v.location); ok = false }
        }
        return ok ? (mode, uid, gid) : nil
    }

    /// `su USER [GROUP]`: without a group, one given by an earlier `su` stays, else it is an error.
    mutating func su(_ v: (text: String, location: SourceLocation)) {
        let words = v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if words.count > 2 {
            error("too many arguments for su (su USER GROUP)", at: v.location)
            return
        }
        let uid = session.accounts.uid(words[0])
        if uid == nil { error("unknown user '\(words[0])' in su", at: v.location) }
        var gid = current.suGID
        if words.count == 2 {
            gid = session.accounts.gid(words[1])
            if gid == nil { error("unknown group '\(words[1])' in su", at: v.location) }
        } else if gid == nil {
            error("su needs a group (su USER GROUP)", at: v.location)
            return
        }
        guard let uid, let gid else { return }
        apply { $0.suEnabled = true; $0.suUID = uid; $0.suGID = gid }
    }

    /// `compressformat FORMAT [LEVEL]`: the compressor, its options, extension and uncompress command.
    mutating func compressFormat(_ v: (text: String, location: SourceLocation)) {
        let words = v.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let known = CompressFormat.allCases.map(\.rawValue).joined(separator: ", ")
        guard words.count <= 2, let format = words.first.flatMap(CompressFormat.init(rawValue:)) else {
            let what = words.count > 2 ? "too many arguments for compressformat" : "unknown compression format '\(words.first ?? "")'"
            error("\(what) (compressformat FORMAT [LEVEL], FORMAT one of \(known))", at: v.location)
            return
        }
        var level: Int? = nil
        if words.count == 2 {
            guard let n = Int(words[1]), format.levels.contains(n) else {
                error("bad \(format.rawValue) level '\(words[1])' (\(format.levels.lowerBound)-\(format.levels.upperBound))", at: v.location)
                return
            }
            level = n
        }
        apply {
            $0.config.compressCommand = format.command
            $0.config.compressOptions = format.options(level: level)
            $0.config.compressExtension = format.fileExtension
            $0.config.uncompressCommand = format.uncompressCommand
        }
    }

    /// Reads an included file or directory at this point, with the current globals; a relative path is
    /// taken from the including file's directory.
    mutating func include(_ path: String, at location: SourceLocation) {
        var resolved = path
        if !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") {
            resolved = String(file[...slash]) + path
        }
        let session = self.session
        // A file included with an error fails this one too (its globals are undone after it), but
        // drops none of its blocks, as logrotate's `include`.
        if !session.readPath(resolved, globals: &globals, includedFrom: location) { failed = true }
    }
}
