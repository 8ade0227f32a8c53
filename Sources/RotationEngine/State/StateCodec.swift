/// Reads and writes the bytes of a state file; pure, so every quirk is testable without a disk.
/// `StateFormat` describes both layouts. A path is the bytes of the file's name (`FileNameEncoding`):
/// a name that is not UTF-8 is written raw between the quotes, as logrotate writes it, and read back
/// exactly, so both tools find its entry.
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
        // `mktime` reads the zone again on every call (a stat of /etc/localtime when TZ is unset), and a
        // state file holds few distinct dates: each is converted once.
        var epochs: [CivilTime: Int64] = [:]
        let epoch = { (date: CivilTime) -> Int64 in
            if let known = epochs[date] { return known }
            let value = LocalTimeZone().epoch(date)
            epochs[date] = value
            return value
        }
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
                    if line.first == quote, end != nil, let entry = try? decodeLine(line, format: nil, epoch: epoch) {
                        result.entries[entry.path] = entry.lastRotated
                    }
                }
                continue
            }
            if line.isEmpty || line.allSatisfy({ isSpace($0) }) { continue }
            do throws(Damage) {
                guard end != nil else { throw Damage("line not terminated by a newline (file truncated?)") }
                let entry = try decodeLine(line, format: lenient ? nil : result.format, epoch: epoch)
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
    static func decodeLine(_ line: ArraySlice<UInt8>, format: StateFormat?,
                           epoch: (CivilTime) -> Int64 = { LocalTimeZone().epoch($0) }) throws(Damage) -> StateEntry {
        switch format {
        case .rotatectl: return try decodeRotatectlLine(line, epoch: epoch)
        case .logrotate: return try decodeLogrotateLine(line, epoch: epoch)
        case nil:
            if let r = try? decodeRotatectlLine(line, epoch: epoch) { return r }
            return try decodeLogrotateLine(line, epoch: epoch)
        }
    }

    // MARK: rotatectl's layout

    /// `"PATH" DATE [@EPOCH]`, the path strictly quoted with rotatectl's escapes.
    static func decodeRotatectlLine(_ line: ArraySlice<UInt8>,
                                    epoch: (CivilTime) -> Int64 = { LocalTimeZone().epoch($0) }) throws(Damage) -> StateEntry {
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
            return StateEntry(path: FileNameEncoding.decode(pathBytes), lastRotated: epoch(date))
        }
        let word = line[epochStart...]
        guard let seconds = parseEpoch(word) else { throw Damage("bad epoch seconds '\(printable(word))'") }
        return StateEntry(path: FileNameEncoding.decode(pathBytes), lastRotated: seconds)
    }
}
