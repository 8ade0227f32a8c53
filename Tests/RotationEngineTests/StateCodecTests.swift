import Testing
@testable import RotationEngine

@Suite struct StateCodecTests {
    let now: Int64 = 1_764_572_400   // 2025-12-01 07:00:00 UTC

    func hostileEntries(excludingNUL: Bool = false) -> [String: Int64] {
        var entries: [String: Int64] = [:]
        for (i, name) in HostileNames.all.enumerated() where !(excludingNUL && name.utf8.contains(0)) {
            entries[name] = now - Int64(i) * 3_607
        }
        return entries
    }

    @Test func rotatectlLayoutRoundTripsHostileNames() {
        let entries = hostileEntries()
        let bytes = StateCodec.encode(entries, format: .rotatectl)
        // Every entry is exactly one line: no raw newline escapes the quotes.
        #expect(bytes.filter { $0 == 0x0a }.count == entries.count + 1)
        // Every byte is printable ASCII, a newline, or part of a UTF-8 sequence: no raw control bytes.
        #expect(bytes.allSatisfy { $0 == 0x0a || ($0 >= 0x20 && $0 != 0x7f) })
        let decoded = StateCodec.decode(bytes, path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.format == .rotatectl)
        #expect(decoded.entries == entries)
    }

    @Test func logrotateLayoutRoundTripsHostileNames() {
        let entries = hostileEntries(excludingNUL: true)
        let bytes = StateCodec.encode(entries, format: .logrotate)
        #expect(bytes.starts(with: Array("logrotate state -- version 2\n".utf8)))
        #expect(bytes.filter { $0 == 0x0a }.count == entries.count + 1)
        let decoded = StateCodec.decode(bytes, path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.format == .logrotate)
        #expect(decoded.entries == entries)
    }

    @Test func logrotateLayoutDropsNULAndClampsYears() {
        let far = LocalTimeZone().epoch(CivilTime(year: 2300, month: 1, day: 1))
        let bytes = StateCodec.encode(["/a\u{0}b": now, "/early": -5_000_000_000, "/late": far], format: .logrotate)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("/a"))
        let decoded = StateCodec.decode(bytes, path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.entries["/early"] == 0)
        #expect(decoded.entries["/late"] == StateCodec.logrotateLatest)
    }

    @Test func rotatectlLayoutKeepsExtremeEpochs() {
        let entries: [String: Int64] = ["/neg": -86_400 * 365 * 100, "/zero": 0, "/future": 40_000_000_000]
        let decoded = StateCodec.decode(StateCodec.encode(entries, format: .rotatectl), path: "S")
        #expect(decoded.entries == entries)
    }

    @Test func writesLogrotateDateAndEpoch() {
        let bytes = StateCodec.encode(["/var/log/a \"b\"": now], format: .rotatectl)
        let date = LocalTimeZone().civilIfRepresentable(now).map { d in "\(d.year)-\(d.month)-\(d.day)-\(d.hour):\(d.minute):\(d.second)" } ?? "?"
        #expect(String(decoding: bytes, as: UTF8.self)
            == "rotatectl state -- version 1\n\"/var/log/a \\\"b\\\"\" \(date) @\(now)\n")
    }

    @Test func epochWinsOverDateAndDateAloneIsRead() {
        let text = """
        rotatectl state -- version 1
        "/a" 2000-1-1-0:0:0 @\(now)
        "/b" 2025-12-1-7:0:0

        """
        let decoded = StateCodec.decode(Array(text.utf8), path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.entries["/a"] == now)
        #expect(decoded.entries["/b"] == LocalTimeZone().epoch(CivilTime(year: 2025, month: 12, day: 1, hour: 7)))
    }

    @Test func readsLogrotateQuirks() {
        let text = """
        logrotate state -- version 2
        /unquoted/path.log 2024-3-4
        '/single quoted.log' 2024-3-4-5:6:7
        "/lit\\\\nal" 2024-3-4-5:6:7
        "/real\\nnewline" 2024-3-4-5:6:7
        "/other\\qescape" 2024-3-4-5:6:7
        "/old-bug" 1900-1-0-0:0:0

        """
        let decoded = StateCodec.decode(Array(text.utf8), path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.entries["/unquoted/path.log"] == LocalTimeZone().epoch(CivilTime(year: 2024, month: 3, day: 4)))
        #expect(decoded.entries["/single quoted.log"] == LocalTimeZone().epoch(CivilTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7)))
        #expect(decoded.entries["/lit\\nal"] != nil)
        #expect(decoded.entries["/real\nnewline"] != nil)
        #expect(decoded.entries["/other\\qescape"] != nil)
        #expect(decoded.entries["/old-bug"] != nil)
        #expect(decoded.entries.count == 6)
    }

    @Test func readsLogrotateVersionOneHeader() {
        let decoded = StateCodec.decode(Array("logrotate state -- version 1\n\"/a\" 2020-5-6\n".utf8), path: "S")
        #expect(decoded.format == .logrotate)
        #expect(decoded.entries["/a"] == LocalTimeZone().epoch(CivilTime(year: 2020, month: 5, day: 6)))
    }

    @Test func damagedLinesAreSkippedWithLineNumbers() {
        let text = """
        logrotate state -- version 2
        "/good1" 2024-1-1-0:0:0
        "/unterminated 2024-1-1-0:0:0
        "/three" 2024-1-1 extra
        "/month" 2024-13-1-0:0:0
        "/year" 1969-1-1-0:0:0
        "/hour" 2024-1-1-24:0:0
        "/nodate" yesterday
        just-one-word

        "/good2" 2024-1-2-0:0:0
        """ + "\n\"/truncated\" 2024-1-"
        let decoded = StateCodec.decode(Array(text.utf8), path: "/var/lib/rotatectl/state")
        #expect(Set(decoded.entries.keys) == ["/good1", "/good2"])
        let p = "/var/lib/rotatectl/state"
        #expect(decoded.warnings == [
            "\(p):3: damaged state entry skipped: unterminated quote",
            "\(p):4: damaged state entry skipped: expected a quoted path and a date, found 3 words",
            "\(p):5: damaged state entry skipped: bad month 13",
            "\(p):6: damaged state entry skipped: bad year 1969",
            "\(p):7: damaged state entry skipped: bad hour 24",
            "\(p):8: damaged state entry skipped: bad date 'yesterday'",
            "\(p):9: damaged state entry skipped: expected a quoted path and a date, found 1 word",
            "\(p):12: damaged state entry skipped: line not terminated by a newline (file truncated?)",
        ])
    }

    @Test func damagedRotatectlLinesAreSkipped() {
        let text = """
        rotatectl state -- version 1
        "/bad\\q" 2024-1-1-0:0:0 @1
        "/badhex\\xZZ" 2024-1-1-0:0:0 @1
        "/badepoch" 2024-1-1-0:0:0 @12x
        "/noepochbaddate" 2024-0-1-0:0:0
        unquoted 2024-1-1-0:0:0 @1
        "/ok\\x41" 2024-1-1-0:0:0 @42

        """
        let decoded = StateCodec.decode(Array(text.utf8), path: "S")
        #expect(decoded.entries == ["/okA": 42])
        #expect(decoded.warnings == [
            "S:2: damaged state entry skipped: unknown escape \\q in path",
            "S:3: damaged state entry skipped: bad \\x escape in path",
            "S:4: damaged state entry skipped: bad epoch seconds '@12x'",
            "S:5: damaged state entry skipped: bad month 0",
            "S:6: damaged state entry skipped: path does not start with a quote",
        ])
    }

    @Test func emptyFileIsEmptyStateWithoutWarnings() {
        let decoded = StateCodec.decode([], path: "S")
        #expect(decoded == StateCodec.Decoded())
    }

    @Test func damagedHeaderStillKeepsParsableLines() {
        let text = "logrotate st\u{0}te -- version 2\n\"/a\" 2024-1-1-0:0:0\n\"/b\" 2024-1-1-0:0:0 @7\ngarbage\n"
        let decoded = StateCodec.decode(Array(text.utf8), path: "S")
        #expect(decoded.headerDamaged)
        #expect(decoded.format == nil)
        #expect(decoded.entries == ["/a": LocalTimeZone().epoch(CivilTime(year: 2024, month: 1, day: 1)), "/b": 7])
        #expect(decoded.warnings.count == 2)
        #expect(decoded.warnings.first?.hasPrefix("S:1: damaged state header") == true)
        #expect(decoded.warnings.last == "S:4: damaged state entry skipped: expected a quoted path and a date, found 1 word")
    }

    @Test func binaryGarbageIsSurvivedWithBoundedWarnings() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let bytes = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let decoded = StateCodec.decode(bytes, path: "S")
            #expect(decoded.headerDamaged)
            #expect(decoded.warnings.count <= StateCodec.warningLimit + 2)
        }
        // Garbage after a good header: the good lines survive, the bad ones are counted.
        var bytes = Array("rotatectl state -- version 1\n\"/kept\" 2024-1-1-0:0:0 @5\n".utf8)
        for i in 0..<200 { bytes += [UInt8(i), 0xff, 0x22, 0x0a] }
        let decoded = StateCodec.decode(bytes, path: "S")
        #expect(decoded.entries == ["/kept": 5])
        #expect(decoded.warnings.count == StateCodec.warningLimit + 1)
        #expect(decoded.warnings.last?.hasSuffix("more damaged state entries skipped") == true)
    }

    /// A Latin-1 name in logrotate's file is read as its exact bytes (issue 17), not repaired to U+FFFD,
    /// and written back the same.
    @Test func invalidUTF8InALogrotateFileIsReadExactly() {
        let bytes = Array("logrotate state -- version 2\n\"/var/log/caf".utf8) + [0xe9] + Array(".log\" 2024-1-1-0:0:0\n".utf8)
        let decoded = StateCodec.decode(bytes, path: "S")
        #expect(decoded.warnings == [])
        #expect(decoded.entries.keys.first.map(FileNameEncoding.encode) == Array("/var/log/caf".utf8) + [0xe9] + Array(".log".utf8))
        #expect(!(decoded.entries.keys.first ?? "").contains("\u{fffd}"))
        #expect(StateCodec.encode(decoded.entries, format: .logrotate) == bytes)
    }

    @Test func laterLineForTheSamePathWins() {
        let decoded = StateCodec.decode(Array("rotatectl state -- version 1\n\"/a\" 1-1-1 @1\n\"/a\" 1-1-1 @2\n".utf8), path: "S")
        #expect(decoded.entries == ["/a": 2])
    }

    @Test func localTimeRoundTrips() throws {
        for epoch: Int64 in [0, 86_399, 951_782_400, now, 4_102_444_799] {
            let local = try #require(LocalTimeZone().civilIfRepresentable(epoch))
            #expect(LocalTimeZone().epoch(local) == epoch)
        }
    }
}
