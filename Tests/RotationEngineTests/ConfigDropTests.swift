import Testing
@testable import RotationEngine
import TestSupport

/// What an error drops, as logrotate 3.21 does (measured with `logrotate -d`/`-f` on small files): the
/// block that holds it, or, outside a block and for a few errors, the rest of the file; an unknown
/// directive is a warning and drops nothing.
@Suite("ConfigParser drops what logrotate drops") struct ConfigDropTests {
    func kept(_ c: Configuration) -> [String] { c.logSets.map { $0.patterns.joined(separator: " ") } }
    func dropped(_ c: Configuration) -> [String] { c.droppedBlocks.map { ($0.droppedPatterns ?? []).joined(separator: " ") } }
    func warnings(_ c: Configuration) -> [ConfigDiagnostic] { c.diagnostics.filter { $0.severity == .warning } }

    @Test func unknownDirectiveIsAWarningAndTheBlockRuns() throws {
        let c = ConfigTest.parse("/var/log/a {\n  rotate 2\n  frobnicate 3\n  compress\n}\n")
        #expect(c.errors.isEmpty)
        #expect(warnings(c).map(\.description) == ["/etc/test.conf:3:3: warning: unknown directive 'frobnicate': the line is ignored"])
        let set = try #require(c.logSets.first)
        #expect(set.rotate == 2 && set.compress)
        let global = ConfigTest.parse("Compress\nrotate 4\n/var/log/a {\n}\n")
        #expect(global.errors.isEmpty && global.logSets.first?.rotate == 4)
        #expect(warnings(global).map(\.location.line) == [1])
    }

    @Test func badValueDropsOnlyItsBlock() {
        let c = ConfigTest.parse("""
            /var/log/a {
              rotate 1
              size 300x
            }
            /var/log/b {
              rotate 1
            }
            /var/log/a {
              rotate 3
            }
            """)
        #expect(c.errors.map(\.description) == ["/etc/test.conf:3:8: error: unknown unit 'x' in size '300x' (units: k, K, M, G)"])
        #expect(kept(c) == ["/var/log/b", "/var/log/a"])
        #expect(c.logSets.last?.rotate == 3)
        #expect(dropped(c) == ["/var/log/a"])
        #expect(c.droppedBlocks.first?.location == SourceLocation(file: "/etc/test.conf", line: 1, column: 1))
    }

    @Test func everyKindOfBlockErrorDropsOnlyItsBlock() {
        for bad in ["create 0640 nosuchuser_rtctl root", "su nosuchuser_rtctl adm", "compress 5", "rotate5", "rotate x",
                    "tabooext + .foo", "include /etc/x", "9 lives", "olddir a b", "signal NOPE", "mail a b"] {
            let c = ConfigTest.parse("/var/log/a {\n  \(bad)\n}\n/var/log/b {\n}\n")
            #expect(c.errors.count == 1 && c.errors.first?.location.line == 2, "\(bad): \(c.diagnostics)")
            #expect(kept(c) == ["/var/log/b"], "\(bad)")
            #expect(dropped(c) == ["/var/log/a"], "\(bad)")
        }
    }

    @Test func errorOutsideABlockDropsTheRestOfTheFile() {
        for bad in ["rotate 1x", "size 300x", "create 0640 nosuchuser_rtctl root", "}", "{\n}", "9 lives"] {
            let c = ConfigTest.parse("/var/log/a {\n}\n\(bad)\n/var/log/b {\n}\n/var/log/c {\n}\n")
            #expect(!c.errors.isEmpty, "\(bad)")
            #expect(kept(c) == ["/var/log/a"], "\(bad): \(c.diagnostics)")
            #expect(dropped(c) == ["/var/log/b", "/var/log/c"], "\(bad)")
        }
    }

    @Test func someBlockErrorsDropTheRestOfTheFileAsInLogrotate() {
        // A bad weekday, a missing endscript: logrotate gives up on the file there.
        for bad in ["weekly monday", "postrotate\n  echo hi"] {
            let c = ConfigTest.parse("/var/log/c {\n}\n/var/log/a {\n  \(bad)\n}\n/var/log/b {\n}\n")
            #expect(!c.errors.isEmpty, "\(bad)")
            #expect(kept(c) == ["/var/log/c"], "\(bad): \(c.diagnostics)")
            #expect(!c.logSets.contains { $0.patterns == ["/var/log/b"] }, "\(bad)")
        }
        let early = ConfigTest.parse("/var/log/c {\n}\n/var/log/a }\n/var/log/b {\n}\n")
        #expect(kept(early) == ["/var/log/c"])
    }

    @Test func nestedBlockDropsTheBlockAroundIt() {
        // Braces are skipped in pairs: the block after the outer `}` runs; so logrotate does.
        for nested in ["/var/log/x {\n  rotate 1\n  }", "{\n  }"] {
            let c = ConfigTest.parse("/var/log/a {\n  \(nested)\n  compress\n}\n/var/log/b {\n}\n")
            #expect(c.errors.map(\.location.line) == [2], "\(c.diagnostics)")
            #expect(kept(c) == ["/var/log/b"] && c.logSets.first?.compress == false)
            #expect(dropped(c) == ["/var/log/a"])
        }
        let unclosed = ConfigTest.parse("/var/log/a {\n  /var/log/x {\n  }\n/var/log/b {\n}\n")
        #expect(unclosed.logSets.isEmpty)
    }

    @Test func unclosedBlockIsDropped() {
        // logrotate runs it with what it read; rotatectl drops it (rotatectl.conf(5) DIFFERENCES).
        let c = ConfigTest.parse("/var/log/c {\n}\n/var/log/a {\n  rotate 1\n")
        #expect(c.errors.map(\.location.line) == [3])
        #expect(kept(c) == ["/var/log/c"])
        #expect(dropped(c) == ["/var/log/a"])
    }

    @Test func notesAndHarmlessMistakesAreWarnings() throws {
        let c = ConfigTest.parse("/var/log/a {\n  size 10\n  daily\n  endscript\n} x\n/var/log/b {\n  weekly\n  weekly 1\n}\n")
        #expect(c.errors.isEmpty, "\(c.diagnostics)")
        #expect(kept(c) == ["/var/log/a", "/var/log/b"])
        #expect(warnings(c).map(\.location.line) == [4, 5])
        // logrotate prints the override only in its trace (-d, -v): a note (apertium-apy, autolog, …).
        let notes = c.diagnostics.filter { $0.severity == .note }
        #expect(notes.map(\.location.line) == [3])
        #expect(notes.first?.message == "'daily' overrides previously specified 'size'")
        // A block choosing its own criterion over the global one is no override.
        let global = ConfigTest.parse("weekly\n/var/log/a {\n  monthly\n}\n")
        #expect(global.diagnostics.isEmpty)
    }

    @Test func droppedBlockUndoesTheFilesGlobalsForLaterFiles() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("d/1", "rotate 2\n/var/log/a {\n  size 3x\n}\n/var/log/b {\n}\n")
        dir.write("d/2", "/var/log/c {\n}\n")
        let main = dir.write("main.conf", "rotate 1\ninclude \(dir.path)/d\n/var/log/m {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [main])
        #expect(kept(c) == ["/var/log/b", "/var/log/c", "/var/log/m"])
        #expect(c.logSets.map(\.rotate) == [2, 1, 1])
        #expect(dropped(c) == ["/var/log/a"])
    }

    /// Generated files of blocks, some with a bad value, some with an unknown directive, some with an
    /// error between blocks: a block is kept exactly when it has no error and no error outside a block
    /// came before it, each dropped block has one note, every unknown directive one warning at its line.
    @Test func generatedFilesDropExactlyWhatLogrotateDrops() {
        var rng = SeededGenerator(state: 18_2)
        for round in 0..<300 {
            var text = ""
            var line = 1
            var expectedKept: [String] = [], expectedDropped: [String] = [], unknownLines: [Int] = []
            var restDropped = false
            for b in 0..<Int.random(in: 1...6, using: &rng) {
                if Int.random(in: 0..<8, using: &rng) == 0 { text += "rotate 1x\n"; line += 1; restDropped = true }
                let name = "/var/log/g\(b)"
                text += "\(name) {\n  rotate 2\n"; line += 2
                var bad = false
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: text += "  size 3q\n"; bad = true
                    case 1: text += "  frob\n"; unknownLines.append(line)
                    default: text += "  compress\n"
                    }
                    line += 1
                }
                text += "}\n"; line += 1
                if bad || restDropped { expectedDropped.append(name) } else { expectedKept.append(name) }
            }
            let c = ConfigTest.parse(text)
            #expect(kept(c) == expectedKept, "round \(round):\n\(text)")
            #expect(dropped(c) == expectedDropped, "round \(round):\n\(text)")
            #expect(warnings(c).map(\.location.line) == unknownLines, "round \(round)")
            #expect(c.errors.isEmpty == expectedDropped.isEmpty, "round \(round)")
        }
    }
}
