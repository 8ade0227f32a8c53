import Testing
@testable import RotationEngine

/// `copy`, `copytruncate`, `renamecopy` and their `no` forms, in any order, in a block or split between
/// the globals and a block: the mode a set ends with is the one logrotate would use.
@Suite("Rotation mode resolution") struct RotationModeTests {
    static let directives = ["copy", "nocopy", "copytruncate", "nocopytruncate", "renamecopy", "norenamecopy"]

    /// logrotate's rule, written independently of the parser: `copy` is a switch of its own;
    /// `copytruncate` and `renamecopy` clear each other; copytruncate wins over copy, copy over renamecopy.
    struct Reference {
        var copy = false, copyTruncate = false, renameCopy = false
        mutating func apply(_ directive: String) {
            switch directive {
            case "copy": copy = true
            case "nocopy": copy = false
            case "copytruncate": copyTruncate = true; renameCopy = false
            case "nocopytruncate": copyTruncate = false
            case "renamecopy": renameCopy = true; copyTruncate = false
            case "norenamecopy": renameCopy = false
            default: Issue.record("unknown directive \(directive)")
            }
        }
        var mode: String { copyTruncate ? "copytruncate" : copy ? "copy" : renameCopy ? "renamecopy" : "rename" }
    }

    /// Every sequence of at most `length` directives.
    static func sequences(upTo length: Int) -> [[String]] {
        var all: [[String]] = [[]]
        var last: [[String]] = [[]]
        for _ in 0..<length {
            last = last.flatMap { s in directives.map { s + [$0] } }
            all += last
        }
        return all
    }

    /// What the planner does with the parsed set, read from its first step.
    static func plannedMode(_ set: LogSetConfig) -> String {
        var w = PlannerWorld()
        w.file("/var/log/test.log", size: 2 << 20)
        switch w.plan(set).rotation?.rotateSteps.first {
        case .copyTruncate?: return "copytruncate"
        case .copy?: return "copy"
        case .rename(_, let to, _)? where to.hasSuffix(".tmp"): return "renamecopy"
        case .rename?: return "rename"
        default: return "not rotated"
        }
    }

    @Test func everyCombinationInOneBlockOrAcrossScopes() throws {
        for sequence in Self.sequences(upTo: 3) {
            var reference = Reference()
            sequence.forEach { reference.apply($0) }
            for split in 0...sequence.count {
                let globals = sequence[..<split].joined(separator: "\n")
                let block = (["rotate 1"] + sequence[split...]).joined(separator: "\n")
                let parsed = ConfigTest.block(block, globals: globals)
                #expect(parsed.config.diagnostics.isEmpty)
                let set = try #require(parsed.set)
                #expect(Self.plannedMode(set) == reference.mode, "globals \(sequence[..<split]), block \(sequence[split...])")
            }
        }
    }

    @Test func blocksDoNotLeakIntoEachOtherOrIntoTheGlobals() {
        let c = ConfigTest.parse("copytruncate\n/var/log/a.log {\nnocopytruncate\ncopy\n}\n/var/log/b.log {\n}\n/var/log/c.log {\nrenamecopy\n}\n")
        #expect(c.logSets.count == 3)
        let modes = c.logSets.map { set -> String in
            var s = set
            s.patterns = ["/var/log/test.log"]
            return Self.plannedMode(s)
        }
        #expect(modes == ["copy", "copytruncate", "renamecopy"])
    }
}
