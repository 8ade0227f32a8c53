#if canImport(Glibc)
import Glibc
#endif
import RotationEngine

/// What the fuzzer does around one parse: keeps the input from reaching the file system, and checks
/// the invariants every parse must keep, aborting (a crash libFuzzer records) when one breaks.
enum FuzzInput {
    /// The input as text, with every `include` turned into a comment's `#nclude` so a mutation never
    /// makes the parser read arbitrary files or directories of the machine.
    static func neutralised(_ bytes: [UInt8]) -> String {
        var out = bytes
        let word = Array("include".utf8)
        var i = 0
        while i + word.count <= out.count {
            if Array(out[i..<(i + word.count)]) == word {
                out[i] = UInt8(ascii: "#")
                i += word.count
            } else {
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A block is dropped only for an error, every diagnostic points at a line of the input, and every
    /// log set names at least one pattern.
    static func check(_ c: Configuration, text: String) {
        let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        if c.errors.isEmpty && !c.droppedBlocks.isEmpty {
            fail("\(c.droppedBlocks.count) blocks dropped without an error")
        }
        for d in c.diagnostics where !(1...lines).contains(d.location.line) {
            fail("diagnostic at line \(d.location.line) of \(lines): \(d.message)")
        }
        if c.logSets.contains(where: { $0.patterns.isEmpty }) { fail("a log set without patterns") }
    }

    static func fail(_ message: String) -> Never {
        let text = "config-fuzzer: invariant broken: \(message)\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}
