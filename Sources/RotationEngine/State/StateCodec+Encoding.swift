extension StateCodec {
    /// The latest time logrotate accepts when reading its state (it rejects years after 2100).
    static let logrotateLatest: Int64 = LocalTimeZone().epoch(CivilTime(year: 2100, month: 12, day: 31, hour: 23, minute: 59, second: 59))

    /// The bytes of a whole state file, entries sorted by path so the file diffs well.
    /// In logrotate's layout, times are clamped into the years logrotate reads (1970...2100) and a
    /// path containing NUL (never a real file name) is left out: logrotate could not read it.
    static func encode(_ entries: StateTable, format: StateFormat) -> [UInt8] {
        var all: [UInt8] = []
        encode(entries, format: format) { (chunk: [UInt8]) throws(Never) in all.append(contentsOf: chunk) }
        return all
    }

    static func encode(_ entries: [String: Int64], format: StateFormat) -> [UInt8] {
        encode(StateTable(entries), format: format)
    }

    /// `encode(_:format:)` in pieces of about `chunkSize` bytes handed to `flush`, so saving the state
    /// of 100,000 logs never holds the whole file in memory.
    static func encode<E: Error>(_ entries: StateTable, format: StateFormat, chunkSize: Int = 1 << 16,
                                 flush: ([UInt8]) throws(E) -> Void) throws(E) {
        var out: [UInt8] = []
        out.reserveCapacity(chunkSize + 4096)
        out.append(contentsOf: format.header)
        out.append(newline)
        try entries.forEachSortedByPath { (path: String, time: Int64) throws(E) in
            var seconds = time
            switch format {
            case .logrotate:
                if path.utf8.contains(0) { return }
                seconds = min(max(seconds, 0), logrotateLatest)
                appendLogrotatePath(path, to: &out)
            case .rotatectl:
                appendRotatectlPath(path, to: &out)
            }
            out.append(space)
            LocalTimeZone().civil(seconds).append(to: &out)
            if format == .rotatectl {
                out.append(space)
                out.append(at)
                appendDecimal(seconds, to: &out)
            }
            out.append(newline)
            if out.count >= chunkSize {
                try flush(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { try flush(out) }
    }

    /// logrotate's escaping: `"` and `\` get a backslash, a newline becomes `\n`; every other byte is
    /// written as it is, a name that is not UTF-8 too (what logrotate's `writeState` does).
    static func appendLogrotatePath(_ path: String, to out: inout [UInt8]) {
        appendQuoted(path, escapingControls: false, to: &out)
    }

    /// rotatectl's escaping: logrotate's, plus `\t`, `\r` and `\xHH` for other control bytes, DEL and
    /// the bytes of a name that are not UTF-8, so our own file stays text.
    static func appendRotatectlPath(_ path: String, to out: inout [UInt8]) {
        appendQuoted(path, escapingControls: true, to: &out)
    }

    /// The bytes `path` stands for (`FileNameEncoding`), quoted.
    private static func appendQuoted(_ path: String, escapingControls: Bool, to out: inout [UInt8]) {
        out.append(quote)
        if FileNameEncoding.mayHoldEscapes(path) {
            for scalar in path.unicodeScalars {
                if let byte = FileNameEncoding.escapedByte(scalar) {
                    if escapingControls { escapeHex(byte, to: &out) } else { out.append(byte) }
                } else if let utf8 = UTF8.encode(scalar) {
                    for c in utf8 { appendByte(c, escapingControls: escapingControls, to: &out) }
                }
            }
            out.append(quote)
            return
        }
        var path = path
        path.withUTF8 { bytes in
            var clean = 0   // start of the run of bytes that need no escape
            for i in 0..<bytes.count where needsEscape(bytes[i], escapingControls: escapingControls) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<i]))
                clean = i + 1
                appendByte(bytes[i], escapingControls: escapingControls, to: &out)
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<bytes.count]))
        }
        out.append(quote)
    }

    private static func needsEscape(_ c: UInt8, escapingControls: Bool) -> Bool {
        c == quote || c == backslash || c == newline || (escapingControls && (c < 0x20 || c == 0x7f))
    }

    /// One byte of a quoted path, escaped if it must be.
    private static func appendByte(_ c: UInt8, escapingControls: Bool, to out: inout [UInt8]) {
        guard needsEscape(c, escapingControls: escapingControls) else { out.append(c); return }
        switch c {
        case quote, backslash: out.append(backslash); out.append(c)
        case newline: out.append(backslash); out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\t"): out.append(backslash); out.append(UInt8(ascii: "t"))
        case UInt8(ascii: "\r"): out.append(backslash); out.append(UInt8(ascii: "r"))
        default: escapeHex(c, to: &out)
        }
    }

    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }
}
