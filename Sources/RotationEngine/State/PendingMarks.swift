/// The bytes of `STATE.pending`, the append-only side file that makes a set's rotations durable before
/// the whole state file is written (see `StateSession`); pure, so every quirk is testable without a disk.
///
/// Each append is a blank line, then one line per rotated log in the state file's rotatectl layout
/// (`"PATH" Y-M-D-h:m:s @EPOCH`). The leading blank line isolates an append torn by a crash: the torn
/// line is skipped as damaged instead of swallowing the next append's first line. Later lines win.
enum PendingMarks {
    /// The lines of one append.
    static func encode(_ marks: [StateMark]) -> [UInt8] {
        var out: [UInt8] = [StateCodec.newline]
        out.reserveCapacity(marks.reduce(1) { $0 + $1.path.utf8.count + 48 })
        for m in marks {
            StateCodec.appendRotatectlPath(m.path, to: &out)
            out.append(StateCodec.space)
            LocalTimeZone().civil(m.time).append(to: &out)
            out.append(StateCodec.space)
            out.append(StateCodec.at)
            StateCodec.appendDecimal(m.time, to: &out)
            out.append(StateCodec.newline)
        }
        return out
    }

    /// What `bytes` (read from some offset of the file) hold.
    struct Decoded: Equatable {
        var marks: [StateMark] = []
        /// Bytes up to and including the last newline: a line still being appended is left for later.
        var consumed = 0
        var damagedLines = 0
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var result = Decoded()
        guard let last = bytes.lastIndex(of: StateCodec.newline) else { return result }
        result.consumed = last + 1 - bytes.startIndex
        var start = bytes.startIndex
        while start <= last {
            let end = bytes[start...last].firstIndex(of: StateCodec.newline) ?? last
            let line = bytes[start..<end]
            start = end + 1
            if line.isEmpty { continue }
            if let entry = try? StateCodec.decodeRotatectlLine(line) {
                result.marks.append(StateMark(path: entry.path, time: entry.lastRotated))
            } else {
                result.damagedLines += 1
            }
        }
        return result
    }

    /// About the bytes entries for these paths take in the state file, for the writability proof.
    static func estimatedSize(of paths: [String]) -> Int {
        paths.reduce(0) { $0 + $1.utf8.count + 48 }
    }

    static func estimatedSize(of table: StateTable) -> Int {
        var total = 0
        for (p, _) in table { total += p.utf8.count + 48 }
        return total
    }
}
