import Foundation
import Testing
import TestSupport

/// A full disk at any step loses nothing: on a 2 MiB tmpfs the test mounts and fills, the step that
/// needs space fails with ENOSPC naming the path, the data stays where it was, no partial output is
/// left, the set fails (exit status 1), sets on other file systems still rotate, and once space is
/// freed the next run finishes the job.
@Suite("Hardening: full disk", .serialized) struct HardeningDiskFullTests {
    /// 600 KB of noise (incompressible: the .gz needs as much again) on the small fs.
    static let payload = Data(SeededRandom.bytes(600_000, seed: 0x5EED))

    /// The small tmpfs with `logs/`, filled up to `leave` free bytes; `other/` on /tmp.
    static func setUp(_ t: TempDirectory, leave: Int64) throws -> String {
        let small = try #require(Hostile.tmpfs("2m", in: t), "mount tmpfs")
        mkdir(small + "/logs", 0o755)
        mkdir(t.child("other"), 0o755)
        t.write("other/b.log", "b\n")
        try #require(FileManager.default.createFile(atPath: small + "/logs/app.log", contents: Self.payload))
        chmod(small + "/logs/app.log", 0o644)
        // Fill it to the last block (head fails with ENOSPC), then free `leave` bytes.
        _ = Harness.sh("head -c 4194304 /dev/zero > '\(small)/filler' 2>/dev/null")
        if leave > 0 { _ = Harness.sh("truncate -s -\(leave) '\(small)/filler'") }
        return small
    }

    static func leftovers(_ dir: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasPrefix(".rotatectl-tmp.") } ?? []
    }

    @Test func compressOnAFullDiskKeepsTheSourceAndFinishesLater() throws {
        let t = TempDirectory("rotatectl-enospc")
        let small = try Self.setUp(t, leave: 64 << 10)
        defer { Hostile.unmount(small) }
        let conf = t.config("\(small)/logs/app.log {\n rotate 2\n compress\n}\n@DIR@/other/b.log {\n rotate 2\n compress\n missingok\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r) == ["compress-failed"], "\(r.stdout)")
        #expect(r.stderr.contains("\(small)/logs/.rotatectl-tmp.app.log.1.gz: write: No space left on device"), "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: small + "/logs/app.log.1") == Self.payload, "the data is kept whole")
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/app.log.1.gz"), "no partial output")
        #expect(Self.leftovers(small + "/logs").isEmpty)
        #expect(Harness.contents(t.child("other/b.log.1.gz")) == "b\n", "the other file system's set rotated")

        // Space freed: the next rotation compresses the kept generation as well.
        try FileManager.default.removeItem(atPath: small + "/filler")
        try Data("new\n".utf8).write(to: URL(fileURLWithPath: small + "/logs/app.log"))
        let again = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(again.status == 0, "\(again.stderr)")
        try Self.payload.write(to: URL(fileURLWithPath: t.child("expected")))
        #expect(Harness.sh("zcat '\(small)/logs/app.log.2.gz' | cmp -s - '\(t.child("expected"))'").status == 0, "\(again.stderr)")
        #expect(CompressedFile.passesGzipTest(small + "/logs/app.log.2.gz"))
        #expect(Harness.contents(small + "/logs/app.log.1.gz") == "new\n")
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/app.log.2"))
        #expect(Self.leftovers(small + "/logs").isEmpty)
    }

    /// With no space at all, neither the lock's holder line nor the journal can be written: the set is
    /// not touched (and nothing is lost), the error names the file, the other set rotates.
    @Test func journalOnAFullDiskLeavesTheSetUntouched() throws {
        let t = TempDirectory("rotatectl-enospc-journal")
        let small = try Self.setUp(t, leave: 0)
        defer { Hostile.unmount(small) }
        #expect(Hostile.freeBytes(small) == 0)
        let conf = t.config("\(small)/logs/app.log {\n rotate 2\n compress\n}\n@DIR@/other/b.log {\n rotate 2\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 1, "\(r.stderr)")
        let failed = Harness.events(r).filter { $0["kind"] as? String == "error" }
        #expect(failed.count == 1 && ["lock-failed", "journal-unwritable"].contains((failed.first?["code"] as? String) ?? ""), "\(r.stdout)")
        #expect(failed.first?["errno"] as? Int == Int(ENOSPC), "\(r.stdout)")
        let failedPath = (failed.first?["path"] as? String) ?? ""
        #expect(failedPath.hasPrefix("\(small)/logs/.rotatectl."), "\(r.stdout)")
        #expect(FileManager.default.contents(atPath: small + "/logs/app.log") == Self.payload)
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/app.log.1"))
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/.rotatectl.journal"), "no empty journal left")
        #expect(t.read("other/b.log.1") == "b\n")
    }

    /// A 100% full disk where an earlier run rotated: that run left `.rotatectl.reserve` (256 KiB), which
    /// this run gives back to write its journal; it rotates, compresses into the freed space, drops the
    /// generation beyond `rotate`, and reserves again. Without the reserve the journal has nowhere to go
    /// and nothing can rotate (the test above).
    @Test func aFullDiskRotatesWithTheReserveAnEarlierRunLeft() throws {
        let t = TempDirectory("rotatectl-enospc-reserve")
        let small = try #require(Hostile.tmpfs("2m", in: t), "mount tmpfs")
        defer { Hostile.unmount(small) }
        mkdir(small + "/logs", 0o755)
        let text = { (tag: String) in (1...2_000).map { "\(tag) line \($0) of the application log\n" }.joined() }
        t.write("small/logs/app.log", text("first"))
        let conf = t.config("\(small)/logs/app.log {\n rotate 1\n compress\n create\n}\n")
        let first = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Hostile.lstatus(small + "/logs/.rotatectl.reserve")?.st_size == 256 << 10)
        #expect(Hostile.lstatus(small + "/logs/.rotatectl.reserve").map { $0.st_mode & 0o170777 } == 0o100600)
        // A second generation of logs, then not a block left.
        t.write("small/logs/app.log", text("second"))
        _ = Harness.sh("head -c 4194304 /dev/zero > '\(small)/filler' 2>/dev/null")
        #expect(Hostile.freeBytes(small) == 0)
        let full = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(Harness.codes(full) == ["reserve-used"], "\(full.stdout)")
        #expect(Harness.contents(small + "/logs/app.log.1.gz") == text("second"))
        #expect(CompressedFile.passesGzipTest(small + "/logs/app.log.1.gz"))
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/app.log.2.gz"), "rotate 1 drops the first generation")
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/.rotatectl.journal"))
        #expect(Self.leftovers(small + "/logs").isEmpty)
        #expect(FileManager.default.contents(atPath: small + "/logs/app.log")?.isEmpty == true)
        // The dropped generation's space let the run reserve again for the next time.
        #expect(Hostile.lstatus(small + "/logs/.rotatectl.reserve")?.st_size == 256 << 10)
    }

    /// copytruncate on a full disk: the copy fails, so nothing is cut from the live log.
    @Test func copytruncateOnAFullDiskCutsNothing() throws {
        let t = TempDirectory("rotatectl-enospc-copy")
        let small = try Self.setUp(t, leave: 64 << 10)
        defer { Hostile.unmount(small) }
        let conf = t.config("\(small)/logs/app.log {\n rotate 2\n copytruncate\n}\n@DIR@/other/b.log {\n rotate 2\n copy\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("No space left on device"), "\(r.stderr)")
        #expect(r.stderr.contains(small + "/logs/"), "\(r.stderr)")
        #expect(FileManager.default.contents(atPath: small + "/logs/app.log") == Self.payload, "nothing cut")
        #expect(!FileManager.default.fileExists(atPath: small + "/logs/app.log.1"))
        #expect(Self.leftovers(small + "/logs").isEmpty)
        #expect(t.read("other/b.log.1") == "b\n")
    }

    /// The state file on a full disk: nothing is rotated (a rotation it could not record would be done
    /// again by the next run), the error names the state file, and the old state is intact (never half
    /// written); freed, the next run rotates and saves it.
    @Test func stateOnAFullDiskKeepsTheOldState() throws {
        let t = TempDirectory("rotatectl-enospc-state")
        let small = try #require(Hostile.tmpfs("1m", in: t), "mount tmpfs")
        defer { Hostile.unmount(small) }
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 3\n}\n")
        let state = small + "/state"
        let first = Hostile.rotatectl(["run", "--force", "-s", state, conf], environment: ["ROTATECTL_NOW": "1796100000"])
        #expect(first.status == 0, "\(first.stderr)")
        let saved = try #require(FileManager.default.contents(atPath: state))
        _ = Harness.sh("head -c 4194304 /dev/zero > '\(small)/filler' 2>/dev/null")
        #expect(Hostile.freeBytes(small) == 0)
        t.write("a.log", "a2\n")
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", state, conf], environment: ["ROTATECTL_NOW": "1796200000"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r) == ["state-unwritable"], "\(r.stdout)")
        #expect(Harness.errnos(r, "state-unwritable") == [Int(ENOSPC)], "\(r.stdout)")
        #expect(t.read("a.log") == "a2\n" && t.read("a.log.1") == "a\n" && !t.exists("a.log.2"))
        #expect(FileManager.default.contents(atPath: state) == saved, "the old state is intact")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: small)) ?? []).allSatisfy { !$0.hasPrefix(".rotatectl-state.") })
        try FileManager.default.removeItem(atPath: small + "/filler")
        t.write("a.log", "a3\n")
        let freed = Hostile.rotatectl(["run", "--force", "-s", state, conf], environment: ["ROTATECTL_NOW": "1796300000"])
        #expect(freed.status == 0, "\(freed.stderr)")
        #expect(FileManager.default.contents(atPath: state) != saved)
    }
}
