/// Reads the statements of one configuration file: global directives, `PATTERN… { … }` blocks and
/// scripts, with logrotate 3.21's lexical rules (keywords are letters, a value is the rest of its line,
/// `#` starts a comment at the start of a line or after a directive without argument, patterns may
/// span lines up to the `{`). Every error is reported and parsing goes on, so a file's errors all show;
/// what an error drops is logrotate's: the block that holds it, or, outside a block (and for the few
/// errors logrotate treats so), the rest of the file. An unknown directive is a warning.
struct ConfigFileParser {
    /// What an error drops besides the block that holds it: nothing more, or the rest of the file.
    enum ErrorScope { case block, restOfFile }

    let session: ConfigParseSession
    let file: String
    var cursor: ConfigCursor
    var globals: DirectiveState

    /// The block being read, and its settings.
    var block: (patterns: [String], text: String, location: SourceLocation)? = nil
    var blockState = DirectiveState()
    /// Braces opened in error (a nested block, a block without pattern): their contents are still
    /// checked, against `scratch`, and their `}` must not close the real block.
    var junkDepth = 0
    var scratch = DirectiveState()
    var stopped = false
    var unterminatedScript = false
    /// The first error of the block being read, which drops it.
    var blockError: SourceLocation? = nil
    /// The error that drops the rest of the file (every block from it on).
    var restError: SourceLocation? = nil
    /// Whether the file had an error: its globals are then undone for the files after it.
    var failed = false
    /// The last criterion (`daily`, `size`…) set in the block or global section being read, for
    /// logrotate's note when another overrides it.
    var criterionHere: String? = nil

    init(session: ConfigParseSession, file: String, bytes: [UInt8], globals: DirectiveState) {
        self.session = session
        self.file = file
        self.cursor = ConfigCursor(bytes)
        self.globals = globals
    }

    var here: SourceLocation { SourceLocation(file: file, line: cursor.line, column: cursor.column) }
    var inBlock: Bool { junkDepth > 0 || block != nil }
    var current: DirectiveState { junkDepth > 0 ? scratch : (block != nil ? blockState : globals) }

    mutating func apply(_ body: (inout DirectiveState) -> Void) {
        if junkDepth > 0 { body(&scratch) } else if block != nil { body(&blockState) } else { body(&globals) }
    }

    /// Reports an error: it drops the block that holds it, and, outside a block or with `.restOfFile`,
    /// every block after it in this file.
    mutating func error(_ message: String, at location: SourceLocation, drops scope: ErrorScope = .block) {
        failed = true
        if inBlock && blockError == nil { blockError = location }
        if (scope == .restOfFile || !inBlock) && restError == nil { restError = location }
        if !session.report(ConfigDiagnostic(.error, location, message)) { stop(at: location) }
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        if !session.report(ConfigDiagnostic(.warning, location, message)) { stop(at: location) }
    }

    /// Too many problems: the rest of the file is not read, and dropped.
    private mutating func stop(at location: SourceLocation) {
        stopped = true
        failed = true
        if inBlock && blockError == nil { blockError = location }
        if restError == nil { restError = location }
    }

    mutating func run() {
        while !stopped {
            cursor.skipBlanks()
            guard let c = cursor.peek else { break }
            switch c {
            case ConfigCursor.newline:
                cursor.advance()
            case UInt8(ascii: "#"):
                cursor.skipToEndOfLine()
            case _ where ConfigCursor.isLetter(c):
                statement()
            case UInt8(ascii: "/"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "~"):
                patterns()
            case UInt8(ascii: "{"):
                let location = here
                cursor.advance()
                openJunk(at: location, message: inBlock
                    ? "nested block: '{' inside a block (missing '}' before it?)"
                    : "block with no log file pattern before '{'")
            case UInt8(ascii: "}"):
                closeBrace()
            default:
                error("lines must begin with a directive or a log file pattern, not '\(Self.show(c))'", at: here)
                cursor.skipToEndOfLine()
            }
        }
        if let b = block {
            if !unterminatedScript && !stopped {
                error("block of \(b.patterns.joined(separator: " ")) is not closed (missing '}')", at: b.location)
            }
            finishBlock()
        }
    }

    static func show(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7f ? String(UnicodeScalar(c)) : "\\x" + String(c, radix: 16)
    }

    private mutating func statement() {
        let location = here
        let name = cursor.word()
        if let next = cursor.peek, !(ConfigCursor.isBlank(next) || next == ConfigCursor.newline || next == UInt8(ascii: "=")) {
            error("directive '\(name)' must be followed by a blank, not '\(Self.show(next))'", at: here)
            cursor.skipToEndOfLine()
            return
        }
        if !directive(name, at: location) {
            warning("unknown directive '\(name)': the line is ignored", at: location)
            cursor.skipToEndOfLine()
        }
    }

    /// `PATTERN [PATTERN…] {`: words up to an unquoted `{`, across lines (a line starting with `#` is a
    /// comment), quoted and escaped as a shell would (popt's rules).
    private mutating func patterns() {
        let location = here
        let start = cursor.position
        var words: [String] = []
        var word: [UInt8] = []
        var hasWord = false
        var quote: UInt8? = nil
        var atLineStart = false
        func flush() {
            // popt drops empty words, so `""` names nothing.
            if hasWord && !word.isEmpty { words.append(FileNameEncoding.decode(word)) }
            word = []
            hasWord = false
        }
        while let c = cursor.peek {
            if let q = quote {
                cursor.advance()
                if c == q {
                    quote = nil
                } else if c == UInt8(ascii: "\\"), let next = cursor.peek {
                    if next != q { word.append(c) }
                    word.append(next)
                    cursor.advance()
                } else {
                    word.append(c)
                }
                continue
            }
            if c == ConfigCursor.newline {
                flush()
                cursor.advance()
                atLineStart = true
                continue
            }
            if ConfigCursor.isBlank(c) {
                flush()
                cursor.advance()
                continue
            }
            if atLineStart && c == UInt8(ascii: "#") {
                cursor.skipToEndOfLine()
                continue
            }
            atLineStart = false
            switch c {
            case UInt8(ascii: "{"):
                flush()
                // The text before `{`, exactly as written, is what logrotate gives shared scripts as $1.
                let text = FileNameEncoding.decode(cursor.bytes[start..<cursor.position])
                cursor.advance()
                open(words, text: text, at: location)
                return
            case UInt8(ascii: "}"):
                error("'}' before the '{' of the block of \(words.first ?? "patterns") (missing '{')", at: here, drops: .restOfFile)
                cursor.advance()
                afterClosingBrace()
                return
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                quote = c
                hasWord = true
                cursor.advance()
            case UInt8(ascii: "\\"):
                cursor.advance()
                if let next = cursor.peek { word.append(next); cursor.advance() }
                hasWord = true
            default:
                word.append(c)
                hasWord = true
                cursor.advance()
            }
        }
        if quote != nil {
            error("unterminated quote in log file patterns", at: location, drops: .restOfFile)
        } else {
            error("missing '{' after log file patterns", at: location, drops: .restOfFile)
        }
    }

    // MARK: Values

    /// The argument of a directive: the rest of the line after blanks and an optional `=`.
    mutating func value(for name: String, at location: SourceLocation) -> (text: String, location: SourceLocation)? {
        let v = optionalValue()
        if v.text.isEmpty {
            error("missing argument for \(name)", at: location)
            return nil
        }
        return v
    }

    mutating func optionalValue() -> (text: String, location: SourceLocation) {
        cursor.skipBlanks()
        if cursor.peek == UInt8(ascii: "=") {
            cursor.advance()
            cursor.skipBlanks()
        }
        let location = here
        return (cursor.restOfLine(), location)
    }

    /// After a directive without argument the line may go on with more directives, a `}` or a comment,
    /// as in logrotate.
    mutating func endOfFlag(_ name: String) {
        cursor.skipBlanks()
        guard let c = cursor.peek else { return }
        if c == ConfigCursor.newline || c == UInt8(ascii: "#") || c == UInt8(ascii: "}") || ConfigCursor.isLetter(c) {
            return
        }
        let location = here
        let rest = cursor.restOfLine()
        error("\(name) takes no argument, found '\(rest)'", at: location)
    }

    /// A script: the lines up to one whose first word is `endscript`, kept verbatim. Text after the
    /// keyword on its own line becomes the script's first line, as in logrotate.
    mutating func script(_ name: String, at location: SourceLocation) -> Script {
        var text = ""
        cursor.skipBlanks()
        let first = cursor.rawRestOfLine()
        if !first.allSatisfy(ConfigCursor.isBlank) { text += ConfigCursor.text(first) + "\n" }
        cursor.advance()
        while !cursor.atEnd {
            let lineStart = cursor.position
            cursor.skipBlanks()
            if cursor.word() == "endscript", cursor.peek.map({ !ConfigCursor.isWordCharacter($0) }) ?? true {
                return Script(text: text, location: location)
            }
            cursor.seekWithinLine(to: lineStart)
            text += ConfigCursor.text(cursor.rawRestOfLine()) + "\n"
            cursor.advance()
        }
        unterminatedScript = true
        error("\(name) without endscript", at: location, drops: .restOfFile)
        return Script(text: text, location: location)
    }
}
