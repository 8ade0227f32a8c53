import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// The state file against the real logrotate 3.21 at /usr/sbin/logrotate, both directions.
@Suite struct StateLogrotateCompatibilityTests {
    static let logrotate = "/usr/sbin/logrotate"

    /// Runs logrotate and returns its exit status and its combined output.
    func runLogrotate(_ arguments: [String]) -> (status: Int32, output: String) {
        let ran = SpawnedProcess.capture([Self.logrotate] + arguments, mergingErrors: true)
        return (ran.status, ran.stdout)
    }

    /// A log named with a blank and an apostrophe and a daily configuration for it.
    func makeLog(in dir: TempDirectory) throws -> (log: String, config: String) {
        let log = dir.child("it's a log.log")
        dir.write("it's a log.log", Array("hello\n".utf8))
        dir.write("logrotate.conf", Array("\"\(log)\" {\n    daily\n    rotate 2\n}\n".utf8))
        return (log, dir.child("logrotate.conf"))
    }

    @Test func readsAStatusFileWrittenByLogrotate() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let (log, config) = try makeLog(in: dir)
        let run = runLogrotate(["--state", dir.child("status"), config])
        #expect(run.status == 0, "\(run.output)")
        let doc = try StateStore.loadDocument(path: dir.child("status"))
        #expect(doc.warnings == [])
        #expect(doc.format == .logrotate)
        #expect(Array(doc.entries.keys) == [log])
        // logrotate records the current hour for a log it sees for the first time.
        let now = Int64(Date().timeIntervalSince1970)
        #expect(abs((doc.entries[log] ?? 0) - now) < 2 * 3600)
    }

    @Test func logrotateReadsAndKeepsWhatWeWriteInItsLayout() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let (log, config) = try makeLog(in: dir)
        let now = Int64(Date().timeIntervalSince1970)
        var entries: [String: Int64] = [log: now - 3 * 86_400]
        for (i, name) in HostileNames.all.enumerated() where !name.utf8.contains(0) {
            entries[name] = now - 86_400 - Int64(i) * 60
        }
        try StateStore.save(entries, path: dir.child("status"), format: .logrotate)

        // logrotate parses every line and sees that the log was rotated three days ago.
        let dry = runLogrotate(["-d", "--state", dir.child("status"), config])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("log needs rotating"))
        #expect(!dry.output.contains("bad"))

        // A real run rotates it and rewrites the state; every hostile name survives logrotate's rewrite.
        let real = runLogrotate(["--state", dir.child("status"), config])
        #expect(real.status == 0, "\(real.output)")
        #expect(FileManager.default.fileExists(atPath: log + ".1"))
        let reloaded = StateStore.load(path: dir.child("status"))
        #expect(reloaded.warnings == [])
        #expect(Set(reloaded.entries.keys) == Set(entries.keys))
        for (name, seconds) in entries where name != log {
            // logrotate keeps whole seconds of local time: the same instant comes back.
            #expect(reloaded.entries[name] == seconds, "\(name.debugDescription)")
        }
        #expect(abs((reloaded.entries[log] ?? 0) - now) < 2 * 3600)
    }

    @Test func logrotateRejectsOurOlderLayoutSoUpdateConvertsIt() throws {
        let dir = TempDirectory("rotatectl-state-test")
        defer { dir.remove() }
        let (log, config) = try makeLog(in: dir)
        dir.write("ours", StateCodec.encode([log: 1_700_000_000], format: .rotatectl))
        let dry = runLogrotate(["-d", "--state", dir.child("ours"), config])
        #expect(dry.output.contains("bad top line"))
        // Which is why any write, even one changing no entry, is in logrotate's layout.
        try StateStore.update(path: dir.child("ours")) { _ in }
        #expect(dir.bytes("ours")?.starts(with: Array("logrotate state -- version 2\n".utf8)) == true)
        let converted = runLogrotate(["-d", "--state", dir.child("ours"), config])
        #expect(!converted.output.contains("bad"), "\(converted.output)")
        #expect(converted.output.contains("log needs rotating"))
        let status = runLogrotate(["--state", dir.child("status"), config])
        #expect(status.status == 0)
        try StateStore.update(path: dir.child("status")) { $0["/var/log/other.log"] = 1_700_000_000 }
        let again = runLogrotate(["-d", "--state", dir.child("status"), config])
        #expect(!again.output.contains("bad"))
        #expect(again.output.contains("log does not need rotating"))
    }
}
