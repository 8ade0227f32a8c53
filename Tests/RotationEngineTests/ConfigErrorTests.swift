import Testing
@testable import RotationEngine

@Suite("ConfigParser errors") struct ConfigErrorTests {
    /// `text` has exactly one error, on `line`, whose message contains `fragment`; its block, if any, is dropped.
    func expectOneError(_ text: String, line: Int, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let c = ConfigTest.parse(text, file: "/etc/bad.conf")
        #expect(c.errors.count == 1, "\(c.diagnostics)", sourceLocation: sourceLocation)
        #expect(c.errors.first?.location.line == line, "\(c.diagnostics)", sourceLocation: sourceLocation)
        #expect(c.errors.first?.message.contains(fragment) == true, "\(c.diagnostics)", sourceLocation: sourceLocation)
        #expect(c.logSets.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func badNumbersAndUnits() {
        expectOneError("/var/log/a {\n  size 10m\n}\n", line: 2, "unknown unit 'm'")
        expectOneError("/var/log/a {\n\n  size 1.5M\n}\n", line: 3, "bad size")
        expectOneError("/var/log/a {\n  rotate -2\n}\n", line: 2, "bad rotation count")
        expectOneError("/var/log/a {\n  rotate five\n}\n", line: 2, "bad rotation count")
        expectOneError("rotate 08\n", line: 1, "bad rotation count")
        expectOneError("/var/log/a {\n  start -1\n}\n", line: 2, "bad start count")
        expectOneError("/var/log/a {\n  maxage 1d\n}\n", line: 2, "bad maximum age")
        expectOneError("/var/log/a {\n  minage x\n}\n", line: 2, "bad minimum age")
        expectOneError("/var/log/a {\n  weekly monday\n}\n", line: 2, "bad weekday")
        expectOneError("/var/log/a {\n  weekly 8\n}\n", line: 2, "bad weekday")
        expectOneError("/var/log/a {\n  shredcycles -3\n}\n", line: 2, "bad shred cycles")
        expectOneError("scripttimeout 1.5\n", line: 1, "bad script timeout")
        expectOneError("reopentimeout -1\n", line: 1, "bad reopen timeout")
        expectOneError("maxtotalsize 5X\n", line: 1, "unknown unit 'X'")
        expectOneError("size 99999999999999999999\n", line: 1, "bad size")
    }

    @Test func valueColumnIsReported() {
        let c = ConfigTest.parse("/var/log/a {\n  rotate   abc\n}\n")
        #expect(c.errors.first?.location == RotationEngine.SourceLocation(file: "/etc/test.conf", line: 2, column: 12))
        #expect(c.errors.first?.description == "/etc/test.conf:2:12: error: bad rotation count 'abc'")
    }

    @Test func badModesUsersGroups() {
        expectOneError("/var/log/a {\n  create 0899 root adm\n}\n", line: 2, "bad octal mode '0899'")
        expectOneError("/var/log/a {\n  create 17777\n}\n", line: 2, "bad octal mode")
        expectOneError("/var/log/a {\n  create 0640 nosuchuser_rtctl adm\n}\n", line: 2, "unknown user 'nosuchuser_rtctl'")
        expectOneError("/var/log/a {\n  create 0640 root nosuchgroup_rtctl\n}\n", line: 2, "unknown group 'nosuchgroup_rtctl'")
        expectOneError("/var/log/a {\n  createolddir 0750 root adm extra\n}\n", line: 2, "too many arguments for createolddir")
        expectOneError("/var/log/a {\n  su nosuchuser_rtctl adm\n}\n", line: 2, "unknown user")
        expectOneError("/var/log/a {\n  su root nosuchgroup_rtctl\n}\n", line: 2, "unknown group")
        expectOneError("/var/log/a {\n  su root\n}\n", line: 2, "su needs a group")
        expectOneError("/var/log/a {\n  su root adm more\n}\n", line: 2, "too many arguments for su")
    }

    @Test func missingAndExtraArguments() {
        expectOneError("/var/log/a {\n  rotate\n}\n", line: 2, "missing argument for rotate")
        expectOneError("/var/log/a {\n  olddir =\n}\n", line: 2, "missing argument for olddir")
        expectOneError("/var/log/a {\n  su\n}\n", line: 2, "missing argument for su")
        expectOneError("/var/log/a {\n  compress 5\n}\n", line: 2, "compress takes no argument")
        expectOneError("/var/log/a {\n  missingok = yes\n}\n", line: 2, "missingok takes no argument")
        expectOneError("/var/log/a {\n  olddir /var/log/old dir\n}\n", line: 2, "bad olddir path")
        expectOneError("/var/log/a {\n  compresscmd /usr/bin/xz -T0\n}\n", line: 2, "bad compresscmd path")
        expectOneError("/var/log/a {\n  compressoptions \"-9\n}\n", line: 2, "invalid compression options")
        expectOneError("/var/log/a {\n  mail a b\n}\n", line: 2, "bad mail address")
        expectOneError("/var/log/a {\n  rotate5\n}\n", line: 2, "must be followed by a blank")
        expectOneError("/var/log/a {\n  dateformat -%Y%b\n}\n", line: 2, "unsupported specifier '%b'")
        expectOneError("/var/log/a {\n  dateformat %Y/%m\n}\n", line: 2, "'/' is not allowed")
        expectOneError("/var/log/a {\n  pidfile run/a.pid\n}\n", line: 2, "pidfile must be an absolute path")
    }

    @Test func unknownSignal() {
        expectOneError("/var/log/a {\n  signal SIGFOO\n}\n", line: 2, "unknown signal 'SIGFOO'")
        expectOneError("signal 65\n", line: 1, "unknown signal '65'")
        expectOneError("signal 0\n", line: 1, "unknown signal '0'")
    }

    @Test func uncatchableSignalWarns() {
        let c = ConfigTest.parse("signal KILL\n")
        #expect(c.errors.isEmpty)
        #expect(c.diagnostics.first?.severity == .warning)
    }

    @Test func structureErrors() {
        expectOneError("/var/log/a {\n  daily\n", line: 1, "not closed")
        expectOneError("/var/log/a {\n  daily\n  /var/log/b {\n    weekly\n  }\n}\n", line: 3, "nested block")
        expectOneError("/var/log/a {\n  {\n  }\n}\n", line: 2, "nested block")
        expectOneError("daily\n}\n", line: 2, "unexpected '}' outside a block")
        expectOneError("{\n  daily\n}\n", line: 1, "block with no log file pattern")
        expectOneError("\"\" {\n}\n", line: 1, "block with no log file pattern")
        expectOneError("/var/log/a {\n  postrotate\n    kill -HUP 1\n}\n", line: 2, "postrotate without endscript")
        expectOneError("/var/log/a\n  daily\n", line: 1, "missing '{'")
        expectOneError("/var/log/a\n  daily\n}\n", line: 3, "missing '{'")
        expectOneError("\"/var/log/a {\n}\n", line: 1, "unterminated quote")
        expectOneError("*.log {}\n", line: 1, "lines must begin with a directive or a log file pattern")
        expectOneError("/var/log/a {\n  include /etc/logrotate.d\n}\n", line: 2, "include is not allowed inside a block")
        expectOneError("/var/log/a {\n  tabooext + .foo\n}\n", line: 2, "tabooext is not allowed inside a block")
    }

    @Test func allErrorsOfAFileAreReported() {
        let c = ConfigTest.parse("""
            rotate x
            /var/log/a {
                size 10Q
                frobnicate
                create 0640 nosuchuser_rtctl
                daily
            }
            }
            /var/log/b {
                signal NOPE
                postrotate
                   echo unterminated
            """, file: "/etc/many.conf")
        #expect(ConfigTest.lines(c) == [1, 3, 5, 8, 10, 11])
        // The unknown directive; logrotate's note that `daily` overrides `size` is a note.
        #expect(c.diagnostics.filter { $0.severity == .warning }.map(\.location.line) == [4])
        #expect(c.diagnostics.filter { $0.severity == .note }.map(\.location.line) == [6])
        // The error outside a block on line 1 drops every block after it; each has its note.
        #expect(c.logSets.isEmpty)
        #expect(c.droppedBlocks.map(\.droppedPatterns) == [["/var/log/a"], ["/var/log/b"]])
    }

    @Test func errorsAreCappedPerFile() {
        let text = String(repeating: "9 bogus\n", count: 500)
        let c = ConfigTest.parse(text)
        #expect(c.errors.count == ConfigParseSession.maxErrorsPerFile)
        #expect(c.errors.last?.message.contains("too many errors") == true)
        // Warnings count too: a file of unknown words is not a configuration file, and what follows is dropped.
        let words = ConfigTest.parse(String(repeating: "bogus\n", count: 500) + "/var/log/a {\n}\n")
        #expect(words.diagnostics.count == ConfigParseSession.maxErrorsPerFile)
        #expect(words.errors.count == 1 && words.logSets.isEmpty)
    }

    @Test func pathologicalInputsTerminate() {
        let braces = ConfigTest.parse(String(repeating: "{", count: 100_000))
        #expect(!braces.errors.isEmpty && braces.errors.count <= ConfigParseSession.maxErrorsPerFile)
        let closing = ConfigTest.parse(String(repeating: "}", count: 100_000))
        #expect(!closing.errors.isEmpty)
        let nested = ConfigTest.parse("/a {" + String(repeating: "/b {\n", count: 50_000) + String(repeating: "}\n", count: 50_000))
        #expect(!nested.errors.isEmpty)
        let longLine = ConfigTest.parse("/var/log/" + String(repeating: "x", count: 200_000) + " {\n}\n")
        #expect(longLine.errors.isEmpty && longLine.logSets.count == 1)
        let binary = ConfigTest.parse(String(decoding: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }, as: UTF8.self))
        #expect(!binary.errors.isEmpty)
    }
}
