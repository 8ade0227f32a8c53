#if canImport(Glibc)
import Glibc
#endif

/// Parsers for directive arguments, with logrotate 3.21's rules.
enum ConfigValue {
    /// An integer as `strtol(s, &end, 0)` reads it when it must consume the whole text: optional sign,
    /// `0x` hexadecimal, a leading `0` octal, else decimal. `octal` tells the caller that a leading zero
    /// changed the value from what a reader would expect.
    static func integer(_ text: String) -> (value: Int64, octal: Bool)? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        var radix: Int64 = 10
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1 && digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for c in digits {
            guard let d = c.hexDigitValue, Int64(d) < radix else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = a
        }
        let octalSurprise = radix == 8 && Int64(digits) != value
        return (negative ? -value : value, octalSurprise)
    }

    enum SizeProblem: Error, Equatable { case unit(Character), number }

    /// `size`-style values: a number (as `strtoull(…, 0)`) with an optional unit k or K (KiB), M (MiB),
    /// G (GiB). Lower-case m and g are not units in logrotate.
    static func size(_ text: String) -> Result<Int64, SizeProblem> {
        guard let last = text.last else { return .failure(.number) }
        var number = text
        var multiplier: Int64 = 1
        switch last {
        case "k", "K": multiplier = 1024
        case "M": multiplier = 1024 * 1024
        case "G": multiplier = 1024 * 1024 * 1024
        default:
            if !last.isASCII || !last.isNumber { return .failure(.unit(last)) }
        }
        if multiplier != 1 { number.removeLast() }
        guard let (value, _) = integer(number), value >= 0 else { return .failure(.number) }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? .failure(.number) : .success(product)
    }

    /// A non-negative decimal number of seconds, such as `5` or `0.25`.
    static func seconds(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text != "." else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// Splits a line into words the way popt's `poptParseArgvString` does: blanks separate, `'` and `"`
    /// quote, a backslash escapes the next character, empty words are dropped. Nil for an unterminated quote or trailing backslash.
    static func arguments(_ text: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var hasWord = false
        var quote: Character? = nil
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\" {
                    guard let next = iterator.next() else { return nil }
                    if next != q { current.append("\\") }
                    current.append(next)
                } else {
                    current.append(c)
                }
            } else if c == " " || c == "\t" || c == "\n" || c == "\r" {
                if hasWord && !current.isEmpty { words.append(current) }
                current = ""
                hasWord = false
            } else if c == "\"" || c == "'" {
                quote = c
                hasWord = true
            } else if c == "\\" {
                guard let next = iterator.next() else { return nil }
                current.append(next)
                hasWord = true
            } else {
                current.append(c)
                hasWord = true
            }
        }
        if quote != nil { return nil }
        if hasWord && !current.isEmpty { words.append(current) }
        return words
    }

    /// logrotate's `readPath` rule: printable characters, no blanks, valid UTF-8.
    static func isPlainPath(_ text: String) -> Bool {
        !text.isEmpty && !text.contains("\u{FFFD}")
            && text.unicodeScalars.allSatisfy { s in
                FileNameEncoding.escapedByte(s) == nil && s.value > 0x20 && s.value != 0x7f && !(0x80...0x9f).contains(s.value)
                    && !s.properties.isWhitespace
            }
    }

    /// logrotate's `readAddress` rule: printable ASCII, no spaces.
    static func isMailAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    static let dateSpecifiers: Set<Character> = ["Y", "m", "d", "H", "M", "S", "V", "s"]

    /// Nil when `format` uses only the specifiers logrotate supports in `dateformat`
    /// (%Y %m %d %H %M %S %V %s), else what is wrong with it.
    static func dateFormatProblem(_ format: String) -> String? {
        var iterator = format.makeIterator()
        while let c = iterator.next() {
            if c == "/" { return "'/' is not allowed in a dateformat (it would name a directory)" }
            guard c == "%" else { continue }
            guard let spec = iterator.next() else { return "dateformat ends with a lone '%'" }
            if !dateSpecifiers.contains(spec) {
                return "unsupported specifier '%\(spec)' in dateformat (only %Y %m %d %H %M %S %V %s)"
            }
        }
        return nil
    }

    static let signalNames: [(String, Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP),
        ("ABRT", SIGABRT), ("IOT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL),
        ("USR1", SIGUSR1), ("SEGV", SIGSEGV), ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM),
        ("TERM", SIGTERM), ("STKFLT", SIGSTKFLT), ("CHLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP),
        ("TSTP", SIGTSTP), ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU),
        ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM), ("PROF", SIGPROF), ("WINCH", SIGWINCH), ("IO", SIGIO),
        ("POLL", SIGPOLL), ("PWR", SIGPWR), ("SYS", SIGSYS),
    ]

    /// A signal by name (`HUP`, `SIGHUP`, any case) or number 1…64.
    static func signal(_ text: String) -> Int32? {
        if let n = Int32(text) { return (1...64).contains(n) ? n : nil }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        return signalNames.first(where: { $0.0 == name })?.1
    }

    /// `~` or `~/rest` with HOME (or the password database), as logrotate does for include and olddir.
    static func expandHome(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        guard let home = AccountLookup.currentHome() else { return path }
        return path == "~" ? home : home + "/" + path.dropFirst(2)
    }

    /// glob's GLOB_TILDE for log file patterns: `~` and `~/…` use HOME, `~user/…` that user's home;
    /// an unknown user leaves the pattern as written.
    static func expandTilde(_ pattern: String) -> String {
        guard pattern.hasPrefix("~") else { return pattern }
        let afterTilde = pattern.dropFirst()
        let user = afterTilde.prefix(while: { $0 != "/" })
        let rest = afterTilde.dropFirst(user.count)
        let home = user.isEmpty ? AccountLookup.currentHome() : AccountLookup.home(ofUser: String(user))
        guard let home else { return pattern }
        return home + rest
    }
}
