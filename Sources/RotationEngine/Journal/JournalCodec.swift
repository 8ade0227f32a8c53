import CZlib

/// The journal's text form: tab-separated fields, each percent-escaped, one block ending in a line
/// `end CRC32` over the block's lines, so a torn or garbled block is recognised and ignored. A block
/// that was never completed was never acted on: the executor fsyncs a block before its first step.
/// A path is written as its `String`'s UTF-8, a byte of a name that is not UTF-8 as its escape scalar
/// (`FileNameEncoding`), so the journal is valid UTF-8 and gives back the exact name.
public enum JournalCodec {
    public static let header = "rotatectl journal 2"
    /// Journals of earlier versions: no `policy` line (their units replay with the defaults).
    static let acceptedHeaders: Set<Substring> = ["rotatectl journal 1", "rotatectl journal 2"]

    public static func encode(_ block: JournalBlock) -> String {
        var bytes: [UInt8] = []
        encode(block, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the block's lines and its `end` line to `out`, escaping byte by byte: a journal of
    /// thousands of steps is built without a string per field.
    static func encode(_ block: JournalBlock, into out: inout [UInt8]) {
        let start = out.count
        func line(_ kind: String, _ fields: [String]) {
            out.append(contentsOf: kind.utf8)
            for field in fields {
                out.append(UInt8(ascii: "\t"))
                append(escaping: field, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
        switch block {
        case .unit(let id, let directories, let steps, let state, let policy):
            line("unit", [String(id)])
            line("dirs", directories)
            line("policy", policy.fields)
            for step in steps { line("step", fields(step)) }
            for mark in state { line("state", [mark.path, String(mark.time)]) }
        case .cancel(let id):
            line("cancel", [String(id)])
        }
        let crc = out.withUnsafeBufferPointer { checksum(UnsafeBufferPointer(rebasing: $0[start...])) }
        out.append(contentsOf: "end\t\(crc)\n".utf8)
    }

    /// Decodes a whole journal. Blocks after the first damaged one are ignored, and reported.
    public static func decode(_ text: String) -> (blocks: [JournalBlock], problem: String?) {
        var blocks: [JournalBlock] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, acceptedHeaders.contains(first) else {
            return ([], text.isEmpty ? "empty journal" : "not a rotatectl journal (bad header)")
        }
        lines.removeFirst()
        var pending: [Substring] = []
        var lineNumber = 1
        for line in lines {
            lineNumber += 1
            if line.hasPrefix("end\t") {
                let body = pending.map { $0 + "\n" }.joined()
                guard String(checksum(body)) == line.dropFirst(4), let block = parse(pending) else {
                    return (blocks, "damaged block ending at line \(lineNumber); it and what follows are ignored")
                }
                blocks.append(block)
                pending = []
            } else {
                pending.append(line)
            }
        }
        return (blocks, pending.isEmpty ? nil : "incomplete block at the end (never acted on)")
    }

    static func parse(_ lines: [Substring]) -> JournalBlock? {
        let rows = lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map { unescape($0) } }
        guard let first = rows.first, let kind = first.first else { return nil }
        switch kind {
        case "unit":
            guard first.count == 2, let id = Int(first[1]), rows.count >= 2, rows[1].first == "dirs" else { return nil }
            var steps: [Action] = []
            var state: [StateMark] = []
            var policy = JournalPolicy()
            for row in rows.dropFirst(2) {
                if row.first == "policy" {
                    guard let p = JournalPolicy(fields: Array(row.dropFirst())) else { return nil }
                    policy = p
                } else if row.first == "step", let action = action(Array(row.dropFirst())) {
                    steps.append(action)
                } else if row.first == "state", row.count == 3, let t = Int64(row[2]) {
                    state.append(StateMark(path: row[1], time: t))
                } else {
                    return nil
                }
            }
            return .unit(id: id, directories: Array(rows[1].dropFirst()), steps: steps, state: state, policy: policy)
        case "cancel":
            guard rows.count == 1, first.count == 2, let id = Int(first[1]) else { return nil }
            return .cancel(id: id)
        default:
            return nil
        }
    }

    static func fields(_ a: Action) -> [String] {
        func opt(_ v: UInt32?) -> String { v.map { String($0) } ?? "-" }
        switch a {
        case .rename(let from, let to, let inode): return ["rename", from, to, String(inode)]
        case .create(let path, let mode, let uid, let gid):
            return ["create", path, String(mode, radix: 8), String(uid), String(gid)]
        case .copy(let from, let to): return ["copy", from, to]
        case .copyTruncate(let from, let to): return ["copytruncate", from, to]
        case .compress(let source, let destination): return ["compress", source, destination]
        case .remove(let path, let inode, let reason): return ["remove", path, String(inode), reason]
        case .makeDirectory(let path, let mode, let uid, let gid):
            return ["mkdir", path, String(mode, radix: 8), opt(uid), opt(gid)]
        case .notify(let pidFiles, let signal): return ["notify", String(signal)] + pidFiles
        case .awaitWriters(let path): return ["await", path]
        case .capTotalSize(let generations, let cap): return ["cap", String(cap)] + generations
        case .mail(let path, let inode, let subject, let address, let uncompress):
            return ["mail", path, String(inode), subject, address, uncompress ?? ""]
        }
    }

    static func action(_ f: [String]) -> Action? {
        guard let kind = f.first else { return nil }
        func u32(_ s: String) -> UInt32? { s == "-" ? nil : UInt32(s) }
        switch (kind, f.count) {
        case ("rename", 4): return UInt64(f[3]).map { .rename(from: f[1], to: f[2], inode: $0) }
        case ("create", 5):
            guard let mode = UInt32(f[2], radix: 8), let uid = UInt32(f[3]), let gid = UInt32(f[4]) else { return nil }
            return .create(path: f[1], mode: mode, uid: uid, gid: gid)
        case ("copy", 3): return .copy(from: f[1], to: f[2])
        case ("copytruncate", 3): return .copyTruncate(from: f[1], to: f[2])
        case ("compress", 3): return .compress(source: f[1], destination: f[2])
        case ("remove", 4): return UInt64(f[2]).map { .remove(path: f[1], inode: $0, reason: f[3]) }
        case ("mkdir", 5):
            guard let mode = UInt32(f[2], radix: 8) else { return nil }
            return .makeDirectory(path: f[1], mode: mode, uid: u32(f[3]), gid: u32(f[4]))
        case ("notify", _) where f.count >= 2: return Int32(f[1]).map { .notify(pidFiles: Array(f.dropFirst(2)), signal: $0) }
        case ("await", 2): return .awaitWriters(path: f[1])
        case ("mail", 6):
            return UInt64(f[2]).map { .mail(path: f[1], inode: $0, subject: f[3], address: f[4], uncompress: f[5].isEmpty ? nil : f[5]) }
        case ("cap", _) where f.count >= 2: return Int64(f[1]).map { .capTotalSize(generations: Array(f.dropFirst(2)), cap: $0) }
        default: return nil
        }
    }

    /// Percent-escapes `%`, control bytes, DEL, tab and newline, so any file name survives.
    public static func escape(_ s: String) -> String {
        var bytes: [UInt8] = []
        append(escaping: s, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func append(escaping s: String, to out: inout [UInt8]) {
        func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7f || byte == UInt8(ascii: "%") }
        func hex(_ v: UInt8) -> UInt8 { v < 10 ? UInt8(ascii: "0") + v : UInt8(ascii: "A") + v - 10 }
        if !s.utf8.contains(where: needsEscape) {
            out.append(contentsOf: s.utf8)
            return
        }
        for byte in s.utf8 {
            if needsEscape(byte) {
                out.append(UInt8(ascii: "%"))
                out.append(hex(byte >> 4))
                out.append(hex(byte & 15))
            } else {
                out.append(byte)
            }
        }
    }

    public static func unescape<S: StringProtocol>(_ s: S) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it.removeFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func checksum(_ s: String) -> UInt {
        Array(s.utf8).withUnsafeBufferPointer(checksum)
    }

    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt {
        UInt(crc32(0, bytes.baseAddress, uInt(bytes.count)))
    }
}
