import Testing
@testable import RotationEngine

/// The journal's text form: every step round-trips, any file name survives, and a torn or garbled block
/// is recognised (it was never acted on) without losing the blocks before it.
@Suite struct JournalCodecTests {
    static let steps: [Action] = [
        .rename(from: "/var/log/a.log", to: "/var/log/a.log.1", inode: 42),
        .create(path: "/var/log/a.log", mode: 0o640, uid: 0, gid: 4),
        .copy(from: "/var/log/b.log", to: "/var/log/b.log.1"),
        .copyTruncate(from: "/var/log/c.log", to: "/var/log/c.log.1"),
        .compress(source: "/var/log/a.log.1", destination: "/var/log/a.log.1.gz"),
        .remove(path: "/var/log/a.log.4.gz", inode: 7, reason: "beyond rotate 3"),
        .makeDirectory(path: "/var/log/old", mode: 0o750, uid: nil, gid: 4),
        .notify(pidFiles: ["/run/a.pid", "/run/b.pid"], signal: 10),
        .awaitWriters(path: "/var/log/a.log.1"),
        .capTotalSize(generations: ["/var/log/a.log.1.gz", "/var/log/a.log.2.gz"], cap: 1 << 20),
        .mail(path: "/var/log/a.log.4.gz", inode: 7, subject: "/var/log/a.log.4.gz", address: "ops@example.org", uncompress: "gunzip"),
        .mail(path: "/var/log/a.log.1", inode: 0, subject: "/var/log/a.log.1", address: "a b", uncompress: nil),
    ]

    func journal(_ blocks: [JournalBlock]) -> String {
        JournalCodec.header + "\n" + blocks.map(JournalCodec.encode).joined()
    }

    @Test func everyStepRoundTrips() {
        let block = JournalBlock.unit(id: 3, directories: ["/var/log", "/var/log/old"], steps: Self.steps,
                                      state: [StateMark(path: "/var/log/a.log", time: 1_796_000_000)])
        let (blocks, problem) = JournalCodec.decode(journal([block, .cancel(id: 3)]))
        #expect(problem == nil)
        #expect(blocks == [block, .cancel(id: 3)])
    }

    @Test(arguments: ["with space", "tab\there", "new\nline", "100% sure", "quote\"and\\back", "caf\u{e9} \u{65e5}", "\u{7f}del", "%0A"])
    func hostileNamesSurvive(_ name: String) {
        let path = "/var/log/" + name
        let block = JournalBlock.unit(id: 0, directories: ["/var/log"],
                                      steps: [.rename(from: path, to: path + ".1", inode: 1)],
                                      state: [StateMark(path: path, time: 5)])
        let text = journal([block])
        #expect(text.split(separator: "\n").count == 7)   // header, unit, dirs, policy, step, state, end: no raw newline
        #expect(JournalCodec.decode(text).blocks == [block])
    }

    /// What a unit needs to be finished alone (issue 16): compressor, shred, writer wait, su identity.
    @Test func thePolicyRoundTrips() {
        var policy = JournalPolicy()
        policy.compressCommand = "/usr/bin/zstd"
        policy.compressOptions = ["-19", "--long", "with space\tand tab", ""]
        policy.shred = true
        policy.shredCycles = 7
        policy.allowHardlink = true
        policy.reopenTimeout = 0.25
        policy.suUID = 65534
        policy.suGID = 100
        let block = JournalBlock.unit(id: 1, directories: ["/d"], steps: Self.steps, state: [], policy: policy)
        #expect(JournalCodec.decode(journal([block])).blocks == [block])
        var plain = JournalPolicy()
        plain.compressOptions = []
        let bare = JournalBlock.unit(id: 2, directories: ["/d"], steps: [Self.steps[0]], state: [], policy: plain)
        #expect(JournalCodec.decode(journal([bare])).blocks == [bare])
        #expect(policy.config.su?.uid == 65534 && policy.config.compressCommand == "/usr/bin/zstd" && policy.config.shredCycles == 7)
    }

    /// A journal written before the policy line existed replays with the defaults.
    @Test func aVersionOneJournalStillDecodes() {
        let block = JournalBlock.unit(id: 0, directories: ["/d"], steps: [Self.steps[0]], state: [])
        let text = journal([block]).replacingOccurrences(of: JournalCodec.header, with: "rotatectl journal 1")
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("policy") }.joined(separator: "\n")
        // The policy line is covered by the block's checksum: rebuild the block without it.
        var lines = text.split(separator: "\n").map(String.init)
        let body = lines[1..<(lines.count - 1)].map { $0 + "\n" }.joined()
        lines[lines.count - 1] = "end\t\(JournalCodec.checksum(body))"
        let (blocks, problem) = JournalCodec.decode(lines.joined(separator: "\n") + "\n")
        #expect(problem == nil)
        #expect(blocks == [block])
    }

    /// An unknown policy field makes the block damaged (never replayed with a guessed policy).
    @Test func anUnknownPolicyFieldIsDamage() {
        let block = JournalBlock.unit(id: 0, directories: ["/d"], steps: [Self.steps[0]], state: [])
        var lines = journal([block]).split(separator: "\n").map(String.init)
        guard let i = lines.firstIndex(where: { $0.hasPrefix("policy") }) else { Issue.record("no policy line"); return }
        lines[i] += "\tfuture=1"
        let body = lines[1..<(lines.count - 1)].map { $0 + "\n" }.joined()
        lines[lines.count - 1] = "end\t\(JournalCodec.checksum(body))"
        let (blocks, problem) = JournalCodec.decode(lines.joined(separator: "\n") + "\n")
        #expect(blocks.isEmpty && problem?.contains("damaged") == true)
    }

    @Test func aTornLastBlockIsIgnoredAndReported() {
        let first = JournalBlock.unit(id: 0, directories: ["/d"], steps: [Self.steps[0]], state: [])
        let second = JournalCodec.encode(.unit(id: 1, directories: ["/d"], steps: [Self.steps[1]], state: []))
        let torn = journal([first]) + second.prefix(second.count / 2)
        let (blocks, problem) = JournalCodec.decode(torn)
        #expect(blocks == [first])
        #expect(problem?.contains("incomplete") == true)
    }

    @Test func aGarbledBlockFailsItsChecksum() {
        let block = JournalBlock.unit(id: 0, directories: ["/d"], steps: [Self.steps[0]], state: [])
        let text = journal([block]).replacingOccurrences(of: "a.log.1", with: "a.log.9")
        let (blocks, problem) = JournalCodec.decode(text)
        #expect(blocks.isEmpty)
        #expect(problem?.contains("damaged") == true)
    }

    @Test func notAJournalAtAll() {
        #expect(JournalCodec.decode("").problem == "empty journal")
        #expect(JournalCodec.decode("\u{0}\u{1}binary").problem?.contains("bad header") == true)
        #expect(JournalCodec.decode("\u{0}\u{1}binary").blocks.isEmpty)
    }
}
