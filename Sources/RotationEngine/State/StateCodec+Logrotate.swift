/// logrotate's layout of a state line: popt's quoting, logrotate's unescaping, its date ranges.
extension StateCodec {
    /// A line as logrotate reads it: split into words the way popt's `poptParseArgvString` does,
    /// exactly two words, a date of at least `Y-M-D`, then logrotate's own unescaping of `\n` and `\\`.
    static func decodeLogrotateLine(_ line: ArraySlice<UInt8>,
                                    epoch: (CivilTime) -> Int64 = { LocalTimeZone().epoch($0) }) throws(Damage) -> StateEntry {
        let words = try splitWords(line)
        guard words.count == 2 else {
            throw Damage("expected a quoted path and a date, found \(words.count) word\(words.count == 1 ? "" : "s")")
        }
        let date = try parseDate(words[1][...])
        try checkLogrotateRanges(date)
        let pathBytes = unescapeLogrotate(words[0])
        guard !pathBytes.isEmpty else { throw Damage("empty path") }
        return StateEntry(path: FileNameEncoding.decode(pathBytes), lastRotated: epoch(date))
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
}
