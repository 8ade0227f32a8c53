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
        var mode: RotationMode { copyTruncate ? .copyTruncate : copy ? .copy : renameCopy ? .renameCopy : .rename }
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
    static func plannedMode(_ set: LogSetConfig) -> RotationMode? {
        var w = PlannerWorld()
        w.file("/var/log/test.log", size: 2 << 20)
        switch w.plan(set).rotation?.rotateSteps.first {
        case .copyTruncate?: return .copyTruncate
        case .copy?: return .copy
        case .rename(_, let to, _)? where to.hasSuffix(".tmp"): return .renameCopy
        case .rename?: return .rename
        default: return nil
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
                let context = "globals \(sequence[..<split]), block \(sequence[split...])"
                #expect(set.mode == reference.mode, "\(context)")
                #expect(Self.plannedMode(set) == reference.mode, "\(context)")
            }
        }
    }

    @Test func blocksDoNotLeakIntoEachOtherOrIntoTheGlobals() {
        let c = ConfigTest.parse("copytruncate\n/var/log/a.log {\nnocopytruncate\ncopy\n}\n/var/log/b.log {\n}\n/var/log/c.log {\nrenamecopy\n}\n")
        #expect(c.logSets.count == 3)
        #expect(c.logSets.map(\.mode) == [.copy, .copyTruncate, .renameCopy])
        let modes = c.logSets.map { set -> RotationMode? in
            var s = set
            s.patterns = ["/var/log/test.log"]
            return Self.plannedMode(s)
        }
        #expect(modes == [.copy, .copyTruncate, .renameCopy])
    }
}

@Suite("LogSetConfig defaults") struct LogSetConfigDefaultTests {
    /// One set of defaults: an empty block parses to exactly what `LogSetConfig()` holds.
    @Test func anEmptyBlockIsTheDefaultConfig() throws {
        let parsed = try #require(ConfigTest.block("").set)
        var built = LogSetConfig()
        built.patterns = parsed.patterns
        built.location = parsed.location
        built.configFile = parsed.configFile
        #expect(parsed == built)
        #expect(built.criterion == .size(1024 * 1024) && built.create == nil && built.compressOptions.isEmpty)
    }

    /// Size and frequency replace each other, in whichever order they are written or set.
    @Test func sizeAndFrequencyAreOneChoice() {
        #expect(ConfigTest.block("daily\nsize 10k").set?.criterion == .size(10 * 1024))
        #expect(ConfigTest.block("size 10k\nweekly 2").set?.criterion == .every(.weekly(weekday: 2)))
        #expect(ConfigTest.block("hourly", globals: "size 5M").set?.criterion == .every(.hourly))
        var c = LogSetConfig()
        c.frequency = .daily
        #expect(c.size == nil && c.criterion == .every(.daily))
        c.size = 100
        #expect(c.frequency == nil && c.criterion == .size(100))
        c.size = nil
        #expect(c.criterion == .size(LogSetConfig.defaultSize))
    }
}
