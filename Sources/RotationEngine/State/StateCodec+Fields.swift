/// The fields of a state line both layouts share (the date, the epoch seconds) and byte helpers.
extension StateCodec {
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
