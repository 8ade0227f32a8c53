import Foundation
import RotationEngine
import Testing
import TestSupport

/// Truncated, garbled, binary, huge and hostile state files and journals: each is reported, never
/// crashes or hangs the run, and the logs are still rotated. A journal someone else wrote is never
/// replayed (its steps would run as root).
@Suite("Hardening: damaged state files and journals") struct HardeningCorruptionTests {
    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-damage")
        for d in ["logs", "other", "outside"] { mkdir(t.child(d), 0o755) }
        t.write("logs/a.log", "a\n")
        t.write("other/b.log", "b\n")
        t.write("outside/victim", "victim\n", mode: 0o600)
        t.config("@DIR@/logs/a.log {\n rotate 1\n}\n@DIR@/other/b.log {\n rotate 1\n}\n")
        return t
    }

    static func run(_ t: TempDirectory, state: String? = nil) -> ProcessResult {
        Hostile.rotatectl(["run", "--force", "-s", state ?? t.child("state"), t.child("test.conf")], seconds: 60)
    }

    static let validState = "rotatectl state -- version 1\n\"/var/log/x.log\" 2026-11-30T10:00:00\n"

    /// (label, how to make the state file, a phrase the report must contain)
    static let states: [(String, String)] = [
        ("binary", "head -c 65536 /dev/urandom > STATE"),
        ("nul bytes", "head -c 4096 /dev/zero > STATE"),
        ("truncated", "printf 'rotatectl state -- version 1\\n\"/var/log/x.log\" 2026-11-3' > STATE"),
        ("garbled", "printf 'logrotate state -- version 2\\n\"unterminated 2026\\n\\\\\\\\\\n\"a\" notadate\\n' > STATE"),
        ("long line", "head -c 3000000 /dev/zero | tr '\\\\0' x > STATE"),
        ("huge sparse", "truncate -s 5G STATE"),
        ("fifo", "mkfifo STATE"),
        ("directory", "mkdir STATE"),
        ("symlink", "ln -s OUTSIDE/victim STATE"),
    ]

    @Test(arguments: states.map(\.0))
    func damagedStateFileIsReportedAndSurvived(label: String) throws {
        let t = Self.tree()
        let make = try #require(Self.states.first { $0.0 == label }?.1)
        let state = t.child("state")
        let made = Harness.sh(make.replacingOccurrences(of: "STATE", with: state).replacingOccurrences(of: "OUTSIDE", with: t.child("outside")))
        try #require(made.status == 0, "\(made.stderr)")
        let outside = Hostile.fingerprint(t.child("outside"))
        let started = Date()
        let r = Self.run(t)
        // Damaged or unreadable, the state fails the run (exit 1) so that monitoring sees it.
        #expect(r.status == 1, "\(label): status \(r.status): \(r.stderr.prefix(2000))")
        #expect(Date().timeIntervalSince(started) < 30, "\(label) took too long")
        #expect(t.read("logs/a.log.1") == "a\n" && t.read("other/b.log.1") == "b\n", "\(label): \(r.stderr.prefix(2000))")
        #expect(r.stderr.contains(state), "\(label): the report names the state file: \(r.stderr.prefix(2000))")
        #expect(r.stderr.split(separator: "\n").count < 40, "\(label): a bounded report")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
    }

    /// (label, journal content or shell to make it)
    static func plantJournal(_ t: TempDirectory, _ label: String) throws {
        let j = t.child("logs/.rotatectl.journal")
        let header = JournalCodec.header + "\n"
        let inode = Hostile.lstatus(t.child("logs/a.log"))?.st_ino ?? 0
        let block = JournalCodec.encode(.unit(id: 0, directories: [t.child("logs")],
            steps: [.remove(path: t.child("logs/a.log"), inode: UInt64(inode), reason: "forged")], state: []))
        switch label {
        case "garbage": t.write("logs/.rotatectl.journal", String(decoding: SeededRandom.bytes(10000, seed: 0x5EED), as: UTF8.self), mode: 0o600)
        case "bad header": t.write("logs/.rotatectl.journal", "rotatectl journal 99\n" + block, mode: 0o600)
        case "bad crc":
            // A block that would remove a.log, its checksum off by one: never acted on.
            let lines = block.split(separator: "\n")
            let crc = try #require(UInt(lines.last?.split(separator: "\t").last ?? ""))
            let damaged = lines.dropLast().joined(separator: "\n") + "\nend\t\(crc &+ 1)\n"
            t.write("logs/.rotatectl.journal", header + damaged, mode: 0o600)
        case "torn": t.write("logs/.rotatectl.journal", header + String(block.dropLast(12)), mode: 0o600)
        case "empty": t.write("logs/.rotatectl.journal", "", mode: 0o600)
        case "huge": _ = Harness.sh("truncate -s 100M '\(j)'")
        case "fifo": mkfifo(j, 0o600)
        case "symlink": symlink(t.child("outside/victim"), j)
        case "directory": mkdir(j, 0o700)
        default: Issue.record("unknown \(label)")
        }
    }

    @Test(arguments: ["garbage", "bad header", "bad crc", "torn", "empty", "huge", "fifo", "symlink", "directory"])
    func damagedJournalIsReportedAndSurvived(label: String) throws {
        let t = Self.tree()
        try Self.plantJournal(t, label)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Self.run(t)
        #expect(r.status == 0 || r.status == 1, "\(label): status \(r.status): \(r.stderr)")
        #expect(t.read("other/b.log.1") == "b\n", "\(label): the other directory rotates")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(r.stderr.contains(t.child("logs/.rotatectl.journal")), "\(label): the report names the journal: \(r.stderr)")
        if label == "directory" {
            // It cannot be removed or appended to: that directory is refused, with exit status 1.
            #expect(r.status == 1)
            #expect(t.read("logs/a.log") == "a\n")
        } else {
            // Replaced by this run's own journal, then removed: the log rotated, the forged step not run.
            #expect(t.read("logs/a.log.1") == "a\n", "\(label): \(r.stderr)")
            #expect(!t.exists("logs/.rotatectl.journal"))
        }
    }

    /// A journal with a valid checksum but written by another user (who can write the log directory)
    /// must not be replayed: its steps name any path, and recovery runs them as root. Here it would
    /// remove a root-only file outside the directory.
    @Test func journalWrittenByAnotherUserIsNeverReplayed() throws {
        let t = Self.tree()
        chown(t.child("logs"), 65534, 65534)
        let victim = t.child("outside/victim")
        let inode = try #require(Hostile.lstatus(victim)?.st_ino)
        let forged = JournalCodec.header + "\n" + JournalCodec.encode(.unit(id: 0, directories: [t.child("logs")],
            steps: [.remove(path: victim, inode: UInt64(inode), reason: "forged"),
                    .compress(source: t.child("outside/victim"), destination: t.child("logs/stolen.gz"))], state: []))
        let written = Hostile.asNobody(["/bin/sh", "-c", "printf '%s' \"$1\" > \"$2\"", "sh", forged, t.child("logs/.rotatectl.journal")])
        try #require(written.status == 0, "\(written.stderr)")
        #expect(Hostile.lstatus(t.child("logs/.rotatectl.journal"))?.st_uid == 65534)
        let r = Self.run(t)
        #expect(t.read("outside/victim") == "victim\n", "a forged journal removed a root file: \(r.stderr)")
        #expect(!t.exists("logs/stolen.gz"), "a forged journal copied a root file: \(r.stderr)")
        #expect(r.stderr.contains(t.child("logs/.rotatectl.journal")), "\(r.stderr)")
        #expect(t.read("other/b.log.1") == "b\n")
    }
}
