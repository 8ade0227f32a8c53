import Foundation

/// How many times each numbered line `PREFIX N` occurs across the files of a set, and where.
struct LineCensus {
    /// prefix -> number -> occurrences.
    private(set) var counts: [String: [Int: Int]] = [:]
    /// prefix -> the files holding any of its lines.
    private(set) var files: [String: Set<String>] = [:]
    /// Lines that are not `PREFIX N`, with their file.
    private(set) var garbled: [(file: String, text: String)] = []
    /// Files holding the same line twice (a copy-mode generation must not).
    private(set) var repeatedWithinFile: [(file: String, line: String)] = []

    var total: Int { counts.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// Counts the lines of `bytes`, a whole file or the concatenated stream of a log's generations.
    /// With `leadingFragment`, a first line that is not `PREFIX N` is passed over: the tail of a line
    /// whose head was in a generation that retention dropped (copytruncate cuts at a block boundary).
    /// With `holes`, NUL bytes (a sparse file's holes, read back as zeros) separate lines like newlines.
    mutating func add(_ bytes: [UInt8], file: String, leadingFragment: Bool = false, holes: Bool = false) {
        var seen = Set<[UInt8]>()
        let parts = holes ? bytes.split(omittingEmptySubsequences: true) { $0 == 0x0A || $0 == 0 }
            : bytes.split(separator: 0x0A, omittingEmptySubsequences: true)
        let cut = leadingFragment && bytes.first != 0x0A && !(holes && bytes.first == 0)
        for (index, line) in parts.enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            // The tail of a cut line may itself parse (" 4312", "g1 55": the cut fell in or after the
            // prefix); a first line whose prefix is not a writer's (`a`, `a.g1`) is such a tail.
            if cut && index == 0,
               let space = text.lastIndex(of: " "), !Self.isWriterPrefix(text[..<space]) { continue }
            guard let space = text.lastIndex(of: " "), let n = Int(text[text.index(after: space)...]), n > 0 else {
                if cut && index == 0 { continue }
                if garbled.count < 20 { garbled.append((file, String(text.prefix(80)))) }
                continue
            }
            let prefix = String(text[..<space])
            counts[prefix, default: [:]][n, default: 0] += 1
            files[prefix, default: []].insert(file)
            if !seen.insert(Array(line)).inserted && repeatedWithinFile.count < 20 { repeatedWithinFile.append((file, text)) }
        }
    }

    func count(_ prefix: String, _ n: Int) -> Int { counts[prefix]?[n] ?? 0 }

    /// A log's id (one letter) or one of its older groups (`a.g1`).
    static func isWriterPrefix(_ p: Substring) -> Bool {
        let b = Array(p.utf8)
        guard let first = b.first, first >= 0x61, first <= 0x7A else { return false }
        if b.count == 1 { return true }
        return b.count > 3 && b[1] == 0x2E && b[2] == 0x67 && b[3...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Numbers of `prefix` outside 1...last.
    func unexpected(_ prefix: String, last: Int) -> [Int] {
        (counts[prefix] ?? [:]).keys.filter { $0 < 1 || $0 > last }.sorted()
    }
}

/// `[3, 4, 5, 9]` as `3-5, 9`, at most a few ranges.
func ranges(_ numbers: [Int]) -> String {
    var parts: [String] = []
    var i = 0
    while i < numbers.count {
        var j = i
        while j + 1 < numbers.count && numbers[j + 1] == numbers[j] + 1 { j += 1 }
        parts.append(i == j ? "\(numbers[i])" : "\(numbers[i])-\(numbers[j])")
        i = j + 1
    }
    return parts.count > 8 ? parts.prefix(8).joined(separator: ", ") + ", ... (\(parts.count) ranges)" : parts.joined(separator: ", ")
}
