import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// The snapshot reader and the codecs against hostile names and bytes: names that are not UTF-8 are
/// kept as their bytes (a repaired `String` would miss the file); every name survives the state file
/// and the journal; random bytes never crash a decoder.
@Suite("Hardening: snapshot names and codecs") struct HardeningSnapshotTests {
    static func set(_ pattern: String) -> LogSetConfig? {
        ConfigParser(asRoot: false).parse(text: "\(pattern) {\n rotate 1\n}\n", file: "/t.conf").logSets.first
    }

    /// Names that are not UTF-8 are in the snapshot as the bytes they are (decoded by
    /// `FileNameEncoding`), never repaired, and without a warning.
    @Test func namesThatAreNotUTF8AreKeptAsTheirBytes() throws {
        let d = TempDirectory("rotatectl-snap")
        let bad: [UInt8] = Array("x".utf8) + [0xFF] + Array(".log".utf8)
        let overlong: [UInt8] = Array("y".utf8) + [0xC0, 0xAF] + Array(".log".utf8)   // an overlong "/"
        let surrogate: [UInt8] = Array("z".utf8) + [0xED, 0xA0, 0x80] + Array(".log".utf8)
        let unmatched: [UInt8] = Array("w".utf8) + [0xFF] + Array(".txt".utf8)
        for n in [bad, overlong, surrogate, unmatched] { TestFile.createRaw(d.path, n) }
        TestFile.createRaw(d.path, Array("fine.log".utf8))
        TestFile.createRaw(d.path, Array("é\n;$(x).log".utf8))
        let set = try #require(Self.set(d.path + "/*.log"))
        let snapshot = SnapshotReader().read([set])
        let names = snapshot.directories[d.path]?.keys ?? []
        #expect(Set(names.map(FileNameEncoding.encode)) == Set([bad, overlong, surrogate, unmatched, Array("fine.log".utf8), Array("é\n;$(x).log".utf8)]))
        #expect(!names.contains { $0.contains("\u{FFFD}") }, "no name is repaired")
        let matched = Glob.expand(d.path + "/*.log", list: { snapshot.directories[$0] })
        #expect(Set(matched.map { FileNameEncoding.encode(String($0.split(separator: "/").last ?? "")) }) ==
                Set([bad, overlong, surrogate, Array("fine.log".utf8), Array("é\n;$(x).log".utf8)]))
    }

    static let hostileNames = [
        "/var/log/with space.log", "/var/log/it's.log", "/var/log/q\"uote.log", "/var/log/$(touch pwned).log",
        "/var/log/`id`.log", "/var/log/semi;colon.log", "/var/log/new\nline.log", "/var/log/tab\t.log",
        "/var/log/cr\r.log", "/var/log/back\\slash.log", "/var/log/100%.log", "/var/log/%0A.log",
        "/var/log/ünïcødé ✓.log", "/var/log/\u{7F}del.log", "/var/log/\u{1}ctl.log", "/var/log/end\\",
        "/var/log/\"", "/var/log/ leading and trailing ",
    ]

    @Test(arguments: [StateFormat.rotatectl, StateFormat.logrotate])
    func stateCodecRoundTripsHostileNames(format: StateFormat) {
        var entries: [String: Int64] = [:]
        for (i, n) in Self.hostileNames.enumerated() { entries[n] = 1_796_000_000 + Int64(i) * 3600 }
        let decoded = StateCodec.decode(StateCodec.encode(entries, format: format), path: "/state")
        #expect(decoded.warnings.isEmpty, "\(decoded.warnings)")
        for n in entries.keys { #expect(decoded.entries[n] != nil, "\(format): \(n.debugDescription) lost") }
        #expect(decoded.entries.count == entries.count)
    }

    @Test func journalCodecRoundTripsHostileNames() {
        let steps: [Action] = Self.hostileNames.flatMap { n in
            [Action.rename(from: n, to: n + ".1", inode: 7), .compress(source: n + ".1", destination: n + ".1.gz"),
             .remove(path: n + ".9", inode: 9, reason: "over rotate \(n)"), .create(path: n, mode: 0o640, uid: 1, gid: 2)]
        }
        let block = JournalBlock.unit(id: 3, directories: ["/var/log", "/var/log/with space"], steps: steps,
                                      state: Self.hostileNames.map { StateMark(path: $0, time: 1) })
        let text = JournalCodec.header + "\n" + JournalCodec.encode(block) + JournalCodec.encode(.cancel(id: 3))
        let decoded = JournalCodec.decode(text)
        #expect(decoded.problem == nil)
        #expect(decoded.blocks == [block, .cancel(id: 3)])
    }

    /// A flipped byte anywhere in a block makes it ignored (its checksum no longer matches), never
    /// misread as other steps.
    @Test func journalBlockWithAnyByteFlippedIsIgnored() {
        let block = JournalBlock.unit(id: 0, directories: ["/var/log"],
            steps: [.remove(path: "/var/log/a.log.3", inode: 42, reason: "over rotate 2")], state: [])
        let body = JournalCodec.encode(block)
        let header = JournalCodec.header + "\n"
        var ignored = 0
        for i in 0..<body.utf8.count {
            var bytes = Array(body.utf8)
            if bytes[i] == UInt8(ascii: "\n") { continue }
            bytes[i] ^= 0x01
            let decoded = JournalCodec.decode(header + String(decoding: bytes, as: UTF8.self))
            #expect(decoded.blocks.isEmpty || decoded.blocks == [block], "byte \(i)")
            if decoded.blocks.isEmpty { ignored += 1 }
        }
        #expect(ignored > body.utf8.count / 2)
    }

    /// Seeded random and mutated bytes: decoders return, with warnings, never trap.
    @Test func decodersSurviveRandomBytes() {
        var rng = SeededGenerator(state: 0xBAD_5EED)
        let validState = StateCodec.encode(["/var/log/a.log": 1_796_000_000, "/var/log/b c": 1], format: .rotatectl)
        let validJournal = Array((JournalCodec.header + "\n" + JournalCodec.encode(.unit(id: 0, directories: ["/d"],
            steps: [.rename(from: "/d/a", to: "/d/a.1", inode: 1)], state: [StateMark(path: "/d/a", time: 5)]))).utf8)
        for round in 0..<1500 {
            let base = round % 2 == 0 ? validState : validJournal
            var bytes = round % 3 == 0 ? (0..<Int.random(in: 0...512, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) } : base
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: at)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                }
            }
            let state = StateCodec.decode(bytes, path: "/s")
            #expect(state.warnings.count <= StateCodec.warningLimit + 2)
            let journal = JournalCodec.decode(String(decoding: bytes, as: UTF8.self))
            #expect(journal.blocks.count <= 2)
        }
    }
}
