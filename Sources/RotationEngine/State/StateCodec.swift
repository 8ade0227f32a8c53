/// Reads and writes the bytes of a state file; pure, so every quirk is testable without a disk.
/// `StateFormat` describes both layouts.
enum StateCodec {
    /// What a state file held.
    struct Decoded: Sendable, Equatable {
        var entries: StateTable = [:]
        var warnings: [String] = []
        /// nil for an empty file or one whose header was not recognised.
        var format: StateFormat? = nil
        /// The file had content but not a header we know: it may not be a state file at all.
        var headerDamaged = false
        /// Lines skipped as damaged, including those past the warning limit.
        var damagedLines = 0
    }

    /// Past this many, damaged lines are counted in one summary warning instead of one each, so a
    /// binary file given as `--state` does not bury the output.
    static let warningLimit = 20

    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let at = UInt8(ascii: "@")

    /// Decodes a whole file. Damaged lines are skipped with a warning `PATH:LINE: damaged state entry
    /// skipped: WHY`; the rest is kept. A later line for the same path wins, as in logrotate.
    static func decode(_ bytes: [UInt8], path: String) -> Decoded {
        var result = Decoded()
        if bytes.isEmpty { return result }   // logrotate's lock creates an empty stub file
        result.entries.reserveCapacity(bytes.reduce(0) { $1 == newline ? $0 + 1 : $0 })
        var lineNumber = 0
        var start = 0
        var lenient = false
        while start < bytes.count {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: newline)
            let line = bytes[start..<(end ?? bytes.count)]
            start = (end ?? bytes.count) + 1
            if lineNumber == 1 {
                if line.elementsEqual(StateFormat.rotatectlHeader) {
                    result.format = .rotatectl
                } else if line.elementsEqual(StateFormat.logrotateHeaderV2) || line.elementsEqual(StateFormat.logrotateHeaderV1) {
                    result.format = .logrotate
                } else {
                    result.headerDamaged = true
                    lenient = true
                    result.warnings.append("\(path):1: damaged state header (not \"rotatectl state -- version 1\" or \"logrotate state -- version 2\"); reading entries that still parse")
                    // A first line that is itself an entry is worth keeping.
                    if line.first == quote, end != nil, let entry = try? decodeLine(line, format: nil) {
                        result.entries[entry.path] = entry.lastRotated
                    }
                }
                continue
            }
            if line.isEmpty || line.allSatisfy({ isSpace($0) }) { continue }
            do throws(Damage) {
                guard end != nil else { throw Damage("line not terminated by a newline (file truncated?)") }
                let entry = try decodeLine(line, format: lenient ? nil : result.format)
                result.entries[entry.path] = entry.lastRotated
            } catch {
                result.damagedLines += 1
                if result.damagedLines <= warningLimit {
                    result.warnings.append("\(path):\(lineNumber): damaged state entry skipped: \(error.why)")
                }
            }
        }
        if result.damagedLines > warningLimit {
            result.warnings.append("\(path): \(result.damagedLines - warningLimit) more damaged state entries skipped")
        }
        return result
    }

    struct Damage: Error, Equatable {
        var why: String
        init(_ why: String) { self.why = why }
    }

    /// One entry line. With `format` nil (damaged header), a line with an `@EPOCH` word is read as
    /// rotatectl's, any other as logrotate's.
    static func decodeLine(_ line: ArraySlice<UInt8>, format: StateFormat?) throws(Damage) -> StateEntry {
        switch format {
        case .rotatectl: return try decodeRotatectlLine(line)
        case .logrotate: return try decodeLogrotateLine(line)
        case nil:
            if let r = try? decodeRotatectlLine(line) { return r }
            return try decodeLogrotateLine(line)
        }
    }

    // MARK: logrotate's layout

    /// A line as logrotate reads it: split into words the way popt's `poptParseArgvString` does,
    /// exactly two words, a date of at least `Y-M-D`, then logrotate's own unescaping of `\n` and `\\`.
    static func decodeLogrotateLine(_ line: ArraySlice<UInt8>) throws(Damage) -> StateEntry {
        let words = try splitWords(line)
        guard words.count == 2 else {
            throw Damage("expected a quoted path and a date, found \(words.count) word\(words.count == 1 ? "" : "s")")
        }
        let date = try parseDate(words[1][...])
        try checkLogrotateRanges(date)
        let pathBytes = unescapeLogrotate(words[0])
        guard !pathBytes.isEmpty else { throw Damage("empty path") }
        return StateEntry(path: String(decoding: pathBytes, as: UTF8.self), lastRotated: LocalTimeZone().epoch(date))
    }

    /// popt's word splitting: blanks separate words; `"` or `'` quote; inside quotes a backslash
    /// before the quote character yields the quote alone and before anything else is kept with it;
    /// outside quotes a backslash takes the next byte literally.
    static func splitWords(_ line: ArraySlice<UInt8>) throws(Damage) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var inWord = false
        var quoteChar: UInt8 = 0
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoteChar != 0 {
                if c == quoteChar {
                    quoteChar = 0
                } else if c == backslash {
                    i += 1
                    guard i < line.endIndex else { throw Damage("backslash at end of line") }
                    if line[i] != quoteChar { word.append(backslash) }
                    word.append(line[i])
                } else {
                    word.append(c)
                }
            } else if isSpace(c) {
                if inWord && !word.isEmpty { words.append(word) }
                word = []
                inWord = false
            } else if c == quote || c == apostrophe {
                quoteChar = c
                inWord = true
            } else if c == backslash {
                i += 1
                guard i < line.endIndex else { throw Damage("backslash at end of line") }
                word.append(line[i])
                inWord = true
            } else {
                word.append(c)
                inWord = true
            }
            i += 1
        }
        if quoteChar != 0 { throw Damage("unterminated quote") }
        if inWord && !word.isEmpty { words.append(word) }
        return words
    }

    /// logrotate's `unescape`: `\n` is a newline, `\\` a backslash, any other backslash stays.
    static func unescapeLogrotate(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == backslash, i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "n") || bytes[i + 1] == backslash {
                out.append(bytes[i + 1] == backslash ? backslash : newline)
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }

    /// logrotate's checks: year 1900 (an old logrotate bug) or 1970...2100, month 1...12, day 0...31,
    /// hour 0...23, minute and second 0...59.
    static func checkLogrotateRanges(_ d: CivilTime) throws(Damage) {
        guard d.year == 1900 || (1970...2100).contains(d.year) else { throw Damage("bad year \(d.year)") }
        guard (1...12).contains(d.month) else { throw Damage("bad month \(d.month)") }
        guard (0...31).contains(d.day) else { throw Damage("bad day \(d.day)") }
        guard (0...23).contains(d.hour) else { throw Damage("bad hour \(d.hour)") }
        guard (0...59).contains(d.minute) else { throw Damage("bad minute \(d.minute)") }
        guard (0...59).contains(d.second) else { throw Damage("bad second \(d.second)") }
    }

    /// `sscanf(word, "%d-%d-%d-%d:%d:%d")` needing at least three fields, as logrotate does; fields
    /// not given are 0.
    static let dateSeparators: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: ":")]

    static func parseDate(_ word: ArraySlice<UInt8>) throws(Damage) -> CivilTime {
        var fields: [Int] = []
        fields.reserveCapacity(6)
        var i = word.startIndex
        while fields.count < 6 {
            if fields.count > 0 {
                guard i < word.endIndex, word[i] == dateSeparators[fields.count - 1] else { break }
                i += 1
            }
            while i < word.endIndex, isSpace(word[i]) { i += 1 }
            var negative = false
            if i < word.endIndex, word[i] == UInt8(ascii: "-") || word[i] == UInt8(ascii: "+") {
                negative = word[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var digits = 0
            while i < word.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(word[i]) {
                value = value * 10 + Int(word[i] - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 9 else { throw Damage("bad date '\(printable(word))'") }
                i += 1
            }
            guard digits > 0 else { break }
            fields.append(negative ? -value : value)
        }
        guard fields.count >= 3 else { throw Damage("bad date '\(printable(word))'") }
        while fields.count < 6 { fields.append(0) }
        return CivilTime(year: fields[0], month: fields[1], day: fields[2], hour: fields[3], minute: fields[4], second: fields[5])
    }

    // MARK: rotatectl's layout

    /// `"PATH" DATE [@EPOCH]`, the path strictly quoted with rotatectl's escapes.
    static func decodeRotatectlLine(_ line: ArraySlice<UInt8>) throws(Damage) -> StateEntry {
        var i = line.startIndex
        guard i < line.endIndex, line[i] == quote else { throw Damage("path does not start with a quote") }
        i += 1
        var pathBytes: [UInt8] = []
        var closed = false
        // Most paths need no escapes: take the run up to the first quote or backslash in one go.
        let run = line[i...].firstIndex(where: { $0 == quote || $0 == backslash }) ?? line.endIndex
        pathBytes.append(contentsOf: line[i..<run])
        i = run
        while i < line.endIndex {
            let c = line[i]
            i += 1
            if c == quote { closed = true; break }
            guard c == backslash else { pathBytes.append(c); continue }
            guard i < line.endIndex else { break }
            let e = line[i]
            i += 1
            switch e {
            case quote, backslash: pathBytes.append(e)
            case UInt8(ascii: "n"): pathBytes.append(newline)
            case UInt8(ascii: "t"): pathBytes.append(UInt8(ascii: "\t"))
            case UInt8(ascii: "r"): pathBytes.append(UInt8(ascii: "\r"))
            case UInt8(ascii: "x"):
                guard i + 1 < line.endIndex, let hi = hexValue(line[i]), let lo = hexValue(line[i + 1]) else {
                    throw Damage("bad \\x escape in path")
                }
                pathBytes.append(hi << 4 | lo)
                i += 2
            default: throw Damage("unknown escape \\\(printable([e][...])) in path")
            }
        }
        guard closed else { throw Damage("unterminated quote") }
        guard !pathBytes.isEmpty else { throw Damage("empty path") }
        // One or more blanks, the date, then optionally blanks and `@EPOCH`.
        let dateStart = line[i...].firstIndex(where: { !isSpace($0) }) ?? line.endIndex
        guard dateStart > i, dateStart < line.endIndex else { throw Damage("expected a date and epoch seconds after the path") }
        let dateEnd = line[dateStart...].firstIndex(where: { isSpace($0) }) ?? line.endIndex
        let date = try parseDate(line[dateStart..<dateEnd])
        let epochStart = line[dateEnd...].firstIndex(where: { !isSpace($0) }) ?? line.endIndex
        guard epochStart < line.endIndex else {
            try checkLogrotateRanges(date)
            return StateEntry(path: String(decoding: pathBytes, as: UTF8.self), lastRotated: LocalTimeZone().epoch(date))
        }
        let word = line[epochStart...]
        guard let seconds = parseEpoch(word) else { throw Damage("bad epoch seconds '\(printable(word))'") }
        return StateEntry(path: String(decoding: pathBytes, as: UTF8.self), lastRotated: seconds)
    }

    /// `@-?[0-9]+` to the end of the line (trailing blanks allowed), fitting an Int64.
    static func parseEpoch(_ word: ArraySlice<UInt8>) -> Int64? {
        var i = word.startIndex
        guard i < word.endIndex, word[i] == at else { return nil }
        i += 1
        var negative = false
        if i < word.endIndex, word[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value: Int64 = 0
        var digits = 0
        while i < word.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(word[i]) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(word[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = a
            digits += 1
            i += 1
        }
        guard digits > 0, word[i...].allSatisfy({ isSpace($0) }) else { return nil }
        return negative ? -value : value
    }

    // MARK: helpers

    static func isSpace(_ c: UInt8) -> Bool {
        c == space || (9...13).contains(c)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A short, printable rendering of bytes for a message.
    static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        for c in bytes.prefix(40) {
            if c >= 0x20 && c < 0x7f { out.append(c) } else { escapeHex(c, to: &out) }
        }
        if bytes.count > 40 { out.append(contentsOf: Array("...".utf8)) }
        return String(decoding: out, as: UTF8.self)
    }

    static func escapeHex(_ c: UInt8, to out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(backslash)
        out.append(UInt8(ascii: "x"))
        out.append(digits[Int(c >> 4)])
        out.append(digits[Int(c & 0xf)])
    }
}
