/// A position in the bytes of a configuration file, keeping the line and column for messages.
/// Works on bytes, not `Character`s, so `\r\n` and invalid UTF-8 cannot merge or hide a line break.
struct ConfigCursor {
    static let newline = UInt8(ascii: "\n")

    let bytes: [UInt8]
    private(set) var position = 0
    private(set) var line = 1
    private(set) var lineStart = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
    /// One-based byte column of the current position.
    var column: Int { position - lineStart + 1 }

    static func isBlank(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0d || c == 0x0b || c == 0x0c
    }
    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a }
    static func isWordCharacter(_ c: UInt8) -> Bool {
        isLetter(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    mutating func advance() {
        guard position < bytes.count else { return }
        if bytes[position] == Self.newline {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    /// Skips spaces, tabs and carriage returns, never a line break.
    mutating func skipBlanks() {
        while position < bytes.count, Self.isBlank(bytes[position]) { position += 1 }
    }

    /// Moves to the line break ending this line (not past it).
    mutating func skipToEndOfLine() {
        while position < bytes.count, bytes[position] != Self.newline { position += 1 }
    }

    /// The rest of this line with surrounding blanks removed; the cursor is left on the line break.
    mutating func restOfLine() -> String {
        skipBlanks()
        let start = position
        skipToEndOfLine()
        var end = position
        while end > start, Self.isBlank(bytes[end - 1]) { end -= 1 }
        return Self.text(bytes[start..<end])
    }

    /// The raw rest of the line, not trimmed, cursor left on the line break.
    mutating func rawRestOfLine() -> ArraySlice<UInt8> {
        let start = position
        skipToEndOfLine()
        return bytes[start..<position]
    }

    /// A run of ASCII letters (logrotate's keywords are letters only).
    mutating func word() -> String {
        let start = position
        while position < bytes.count, Self.isLetter(bytes[position]) { position += 1 }
        return Self.text(bytes[start..<position])
    }

    /// Configuration bytes as text, losslessly (`FileNameEncoding`): a path or a script holding bytes
    /// that are not UTF-8 reaches the file system and the shell as those bytes, as in logrotate.
    static func text(_ slice: ArraySlice<UInt8>) -> String { FileNameEncoding.decode(slice) }
}

extension ConfigCursor {
    /// Moves back or forward to `target` inside the current line (no line break between).
    mutating func seekWithinLine(to target: Int) {
        position = Swift.max(lineStart, Swift.min(target, bytes.count))
    }
}
