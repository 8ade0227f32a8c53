/// Blocks: opening one, closing it, and what an error drops, as logrotate 3.21's `readConfigFile`: a
/// block with an error is dropped whole (its later directives are still checked and reported), and an
/// error outside a block drops every block after it in the file.
extension ConfigFileParser {
    /// A `{` in error (a nested block, a block without pattern): inside a block it drops that block up
    /// to its own `}` (logrotate skips the braces in pairs), outside one the rest of the file. Its
    /// contents are still checked, against `scratch`.
    mutating func openJunk(at location: SourceLocation, message: String) {
        error(message, at: location)
        if junkDepth == 0 { scratch = current }
        junkDepth += 1
    }

    mutating func open(_ words: [String], text: String, at location: SourceLocation) {
        if inBlock {
            openJunk(at: location, message: "nested block: log file patterns inside a block (missing '}' before them?)")
            return
        }
        if words.isEmpty {
            openJunk(at: location, message: "block with no log file pattern before '{'")
            return
        }
        block = (words.map(ConfigValue.expandTilde), text, location)
        blockState = globals
        blockError = nil
        criterionHere = nil
    }

    mutating func closeBrace() {
        let location = here
        cursor.advance()
        if junkDepth > 0 {
            junkDepth -= 1
        } else if block != nil {
            finishBlock()
        } else {
            error("unexpected '}' outside a block", at: location)
        }
        afterClosingBrace()
    }

    /// The block read is a log set, unless an error drops it: then a note at the block says so and why.
    mutating func finishBlock() {
        guard let b = block else { return }
        block = nil
        criterionHere = nil
        let name = b.patterns.joined(separator: " ")
        if let cause = blockError {
            session.report(ConfigDiagnostic(.error, b.location,
                "block of \(name) dropped for its error at line \(cause.line): its logs are not rotated by it",
                droppedPatterns: b.patterns))
        } else if let cause = restError {
            session.report(ConfigDiagnostic(.error, b.location,
                "block of \(name) dropped: the error at line \(cause.line) drops the rest of the file, as in logrotate",
                droppedPatterns: b.patterns))
        } else {
            session.result.logSets.append(blockState.finished(patterns: b.patterns, text: b.text, location: b.location))
        }
        blockError = nil
    }

    /// Only blanks or a comment may follow a `}` on its line; logrotate warns and ignores the rest.
    mutating func afterClosingBrace() {
        cursor.skipBlanks()
        if let c = cursor.peek, c != ConfigCursor.newline, c != UInt8(ascii: "#") {
            warning("unexpected text after '}': ignored", at: here)
        }
        cursor.skipToEndOfLine()
    }

    /// The scheduling directives, whose overriding one another in one block (or one global section)
    /// logrotate notes.
    static let criteria: Set<String> = ["hourly", "daily", "weekly", "monthly", "yearly", "size"]

    /// logrotate's note "'daily' overrides previously specified 'size'", which it prints only with -d or -v.
    mutating func noteCriterion(_ name: String, at location: SourceLocation) {
        if let earlier = criterionHere, earlier != name {
            session.note(ConfigDiagnostic(.note, location, "'\(name)' overrides previously specified '\(earlier)'"))
        }
        criterionHere = name
    }
}
