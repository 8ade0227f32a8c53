import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `FileNameEncoding`: every byte string survives decode then encode; valid UTF-8 is kept as it is;
/// names are shown with `\xNN`, and JSON stays valid UTF-8.
@Suite("File name encoding") struct FileNameEncodingTests {
    static func roundTrips(_ bytes: [UInt8]) -> Bool {
        FileNameEncoding.encode(FileNameEncoding.decode(bytes)) == bytes
    }

    /// Sequences a decoder gets wrong most often.
    static let edgeCases: [[UInt8]] = [
        [], [0x41], [0x80], [0xBF], [0xFF], [0xFE], [0xC0, 0xAF], [0xC1, 0xBF],         // lone continuation, overlong
        [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],                                      // overlongs
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],                                            // surrogates in UTF-8
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], // past U+10FFFF
        [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3],                                           // truncated
        [0xF4, 0x8F, 0xBE, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],                                 // real U+10FF80, U+10FFFF
        [0xF4, 0x8F, 0xBC, 0x80], [0xF4, 0x8F, 0xBD, 0xBF],                                 // real U+10FF00, U+10FF7F
        [0xF4], [0xF4, 0x8F], [0xF4, 0x8F, 0xBF],                                           // cut escape-range scalars
        Array("é€😀".utf8), [0xC3, 0xA9, 0xFF, 0xC3, 0xA9],
    ]

    @Test func edgeCasesRoundTrip() {
        for bytes in Self.edgeCases {
            #expect(Self.roundTrips(bytes), "\(bytes)")
            #expect(Self.roundTrips(Array("app".utf8) + bytes + Array(".log".utf8)), "\(bytes) inside a name")
        }
    }

    /// The property over seeded random byte strings, biased towards the bytes that matter (high bytes,
    /// F4, continuation bytes) and spliced with the edge cases.
    @Test func everyByteStringRoundTrips() {
        var rng = SeededGenerator(state: 0x5EED_FACE)
        let interesting: [UInt8] = [0x00, 0x2F, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED,
                                    0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xBE, 0xBC]
        for round in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...24, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.append(UInt8.random(in: 0...255, using: &rng))
                case 1: bytes.append(interesting.randomElement(using: &rng) ?? 0)
                case 2: bytes.append(contentsOf: Self.edgeCases.randomElement(using: &rng) ?? [])
                default: bytes.append(UInt8.random(in: 0x80...0xBF, using: &rng))
                }
            }
            #expect(Self.roundTrips(bytes), "round \(round): \(bytes)")
        }
        // Every one- and two-byte string.
        for a in 0...255 {
            #expect(Self.roundTrips([UInt8(a)]))
            for b in 0...255 where !Self.roundTrips([UInt8(a), UInt8(b)]) { Issue.record("\([a, b]) does not round-trip") }
        }
    }

    @Test func validUTF8IsKeptAndInvalidBytesBecomeEscapeScalars() {
        #expect(FileNameEncoding.decode(Array("plain ✓ é.log".utf8)) == "plain ✓ é.log")
        #expect(FileNameEncoding.decode([0x61, 0xFF, 0x62]) == "a\u{10FFFF}b")
        #expect(FileNameEncoding.decode([0xE2, 0x82]).unicodeScalars.map(\.value) == [0x10FFE2, 0x10FF82])
        #expect(FileNameEncoding.decode([0xED, 0xA0, 0x80]).unicodeScalars.map(\.value) == [0x10FFED, 0x10FFA0, 0x10FF80])
        // A real U+10FF80 is escaped byte by byte; U+10FF7F, outside the escape range, is kept.
        #expect(FileNameEncoding.decode([0xF4, 0x8F, 0xBE, 0x80]).unicodeScalars.map(\.value) == [0x10FFF4, 0x10FF8F, 0x10FFBE, 0x10FF80])
        #expect(FileNameEncoding.decode([0xF4, 0x8F, 0xBD, 0xBF]).unicodeScalars.map(\.value) == [0x10FF7F])
    }

    @Test func aStringWithoutEscapesIsItsOwnUTF8() {
        for s in ["", "/var/log/app.log", "ünïcødé ✓.log", "😀\u{10FF7F}"] {
            #expect(FileNameEncoding.encode(s) == Array(s.utf8))
            #expect(FileNameEncoding.encodedCount(s) == s.utf8.count)
            #expect(FileNameEncoding.withCString(s) { String(cString: $0) } == s)
        }
        let name = FileNameEncoding.decode(Array("app".utf8) + [0xFF] + Array(".log".utf8))
        #expect(FileNameEncoding.encodedCount(name) == 8)
        #expect(name.utf8.count == 11)
        #expect(FileNameEncoding.withCString(name) { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) }
                == Array("app".utf8) + [0xFF] + Array(".log".utf8))
    }

    @Test func displayShowsEscapedBytesAsHex() {
        #expect(FileNameEncoding.display(bytes: Array("plain ✓.log".utf8)) == "plain ✓.log")
        #expect(FileNameEncoding.display(bytes: [0x61, 0xFF, 0x62]) == "a\\xFFb")
        #expect(FileNameEncoding.display(bytes: [0xE2, 0x82]) == "\\xE2\\x82")
        #expect(FileNameEncoding.display(bytes: [0xE2, 0x82, 0xAC, 0x80]) == "€\\x80")
        #expect(FileNameEncoding.display(bytes: [0x0A, 0x0F]) == "\n\u{0F}")
        #expect(FileNameEncoding.display(bytes: []) == "")
        let shown = FileNameEncoding.display(bytes: [0xF4, 0x8F, 0xBF, 0xBF])
        #expect(shown == "\\xF4\\x8F\\xBF\\xBF")
        #expect(!shown.unicodeScalars.contains { FileNameEncoding.escapedByte($0) != nil })
    }

    @Test func messagesAndEventsShowNamesEscaped() {
        let path = "/var/log/" + FileNameEncoding.decode([0x61, 0xFF, 0x2E, 0x6C, 0x6F, 0x67])
        #expect(SystemError("openat", path: path, errno: .permissionDenied).description.hasPrefix("/var/log/a\\xFF.log: openat: "))
        let event = RunEvent(.action, set: "", "rename \(path) -> \(path).1", action: "rename", path: path, target: path + ".1")
        #expect(event.message == "rename /var/log/a\\xFF.log -> /var/log/a\\xFF.log.1")
        #expect(event.path == "/var/log/a\\xFF.log")
        #expect(event.target == "/var/log/a\\xFF.log.1")
    }

    /// Every escape scalar, and a document of random names, serialise to valid UTF-8 JSON whose
    /// strings read back as the displayed names.
    @Test func jsonStaysValidUTF8() throws {
        var rng = SeededGenerator(state: 0x150B)
        for round in 0..<300 {
            let bytes = (0..<Int.random(in: 0...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let name = FileNameEncoding.decode(bytes)
            let text = JSONValue.object([("path", .string(name))]).serialized()
            let data = Data(text.utf8)
            #expect(String(validating: Array(text.utf8), as: UTF8.self) != nil)
            let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String], "round \(round): \(text)")
            #expect(doc["path"] == FileNameEncoding.display(name), "round \(round)")
        }
        #expect(JSONValue.string(FileNameEncoding.decode([0x61, 0xFF])).serialized() == "\"a\\\\xFF\"")
    }

    /// A listing keeps raw names: each is found again by its decoded `String`, globs match it, and its
    /// generations are found by prefix.
    @Test func listingFindsRawNamesByTheirDecodedStrings() {
        let raw: [[UInt8]] = [Array("app".utf8) + [0xFF] + Array(".log".utf8),
                              Array("app".utf8) + [0xFF] + Array(".log.1.gz".utf8),
                              Array("cut".utf8) + [0xE2, 0x82] + Array(".log".utf8),
                              Array("é.log".utf8), Array("e\u{301}.log".utf8), Array("z.txt".utf8)]
        var builder = Listing.Builder()
        for name in raw { name.withUnsafeBufferPointer { builder.append($0) } }
        let listing = builder.finish { (_: UnsafePointer<CChar>) throws(Never) in FileStatus(size: 1) }
        #expect(listing.count == raw.count)
        for name in raw {
            let s = FileNameEncoding.decode(name)
            #expect(listing.index(of: s) != nil, "\(FileNameEncoding.display(s))")
            #expect(listing.index(of: s).map { FileNameEncoding.encode(listing.name(at: $0)) } == name)
        }
        let matched = listing.indices(matching: "*.log").map { FileNameEncoding.encode(listing.name(at: Int($0))) }
        #expect(Set(matched) == Set([raw[0], raw[2], raw[3], raw[4]]))
        #expect(listing.indices(matching: "app?.log").count == 1, "? matches one byte that is not UTF-8")
        let app = FileNameEncoding.decode(raw[0])
        #expect(Set(listing.entries(prefix: app).keys) == [app, FileNameEncoding.decode(raw[1])])
        // Precomposed and decomposed é are two files, told apart by their bytes.
        #expect(listing.index(of: "é.log") != listing.index(of: "e\u{301}.log"))
    }

    @Test(arguments: [StateFormat.rotatectl, StateFormat.logrotate])
    func stateCodecRoundTripsNamesThatAreNotUTF8(format: StateFormat) {
        var entries: [String: Int64] = [:]
        for (i, bytes) in Self.edgeCases.enumerated() where !bytes.contains(0) && !bytes.isEmpty {
            entries["/var/log/" + FileNameEncoding.decode(bytes) + ".log"] = 1_796_000_000 + Int64(i) * 3600
        }
        let encoded = StateCodec.encode(entries, format: format)
        let decoded = StateCodec.decode(encoded, path: "/state")
        #expect(decoded.warnings.isEmpty, "\(decoded.warnings)")
        #expect(decoded.entries == entries)
        let name = "/var/log/" + FileNameEncoding.decode([0x61, 0xFF]) + ".log"
        let one = StateCodec.encode([name: 1_796_000_000], format: format)
        switch format {
        case .logrotate:
            // logrotate's writeState: the name's raw bytes between the quotes.
            #expect(one.firstRange(of: Array("\"/var/log/a".utf8) + [0xFF] + Array(".log\" ".utf8)) != nil)
        case .rotatectl:
            // Our own file stays text: the byte as `\xff`.
            #expect(one.firstRange(of: Array("\"/var/log/a\\xff.log\" ".utf8)) != nil)
            #expect(String(validating: one, as: UTF8.self) != nil)
        }
    }

    /// A state line of logrotate's, its raw bytes read as bytes (never through a lossy `String`).
    @Test func logrotateStateWithRawBytesIsReadExactly() {
        let file = Array("logrotate state -- version 2\n\"/var/log/a".utf8) + [0xFF, 0xFE] + Array(".log\" 2026-3-1-0:0:0\n".utf8)
        let decoded = StateCodec.decode(file, path: "/state")
        #expect(decoded.warnings.isEmpty)
        #expect(decoded.entries.keys.first.map(FileNameEncoding.encode) == Array("/var/log/a".utf8) + [0xFF, 0xFE] + Array(".log".utf8))
    }

    @Test func journalCodecRoundTripsNamesThatAreNotUTF8() {
        let names = Self.edgeCases.filter { !$0.isEmpty && !$0.contains(0) }.map { "/var/log/" + FileNameEncoding.decode($0) }
        let steps: [Action] = names.flatMap { n in
            [Action.rename(from: n, to: n + ".1", inode: 7), .compress(source: n + ".1", destination: n + ".1.gz")]
        }
        let block = JournalBlock.unit(id: 1, directories: ["/var/log"], steps: steps, state: names.map { StateMark(path: $0, time: 1) })
        let text = JournalCodec.header + "\n" + JournalCodec.encode(block)
        // Read back as the journal file is read: its bytes, decoded as UTF-8 (the escape scalars are valid UTF-8).
        let decoded = JournalCodec.decode(String(decoding: Array(text.utf8), as: UTF8.self))
        #expect(decoded.problem == nil)
        #expect(decoded.blocks == [block])
    }

    /// A directory's names that are not UTF-8 are listed, opened and renamed by their decoded `String`.
    @Test func directoryHandleNamesRawFilesExactly() throws {
        let d = TempDirectory("rotatectl-names")
        let raw: [UInt8] = Array("x".utf8) + [0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80] + Array(".log".utf8)
        try #require(TestFile.createRaw(d.path, raw, "bytes\n"))
        TestFile.createRaw(d.path, Array("ok".utf8))
        let handle = try DirectoryHandle.open(d.path)
        let names = try handle.entries()
        #expect(Set(names.map(FileNameEncoding.encode)) == [raw, Array("ok".utf8)])
        let name = try #require(names.first { $0 != "ok" })
        #expect(try handle.status(name)?.size == 6)
        try handle.rename(name, to: handle, as: name + ".1")
        #expect(TestFile.readRaw(d.path, raw + Array(".1".utf8)) == "bytes\n")
        let snapshot = SnapshotReader().read([try #require(HardeningSnapshotTests.set(d.path + "/*.log*"))])
        #expect(snapshot.directories[d.path]?.index(of: name + ".1") != nil)
    }
}
