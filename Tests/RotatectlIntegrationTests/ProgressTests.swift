import Foundation
import Testing
import TestSupport

/// The progress line of long compressions: on a terminal only, never in cron mail or the journal.
@Suite(.serialized) struct ProgressTests {
    static func bigLog(_ t: TempDirectory) -> String {
        let conf = t.config("@DIR@/big.log {\n rotate 1\n compress\n}\n")
        let ran = Harness.sh("seq 1 2500000 | sed 's/^/2026-12-01T07:00:00Z INFO request served id=/' > \(t.child("big.log"))")
        #expect(ran.status == 0)
        return conf
    }

    @Test func noProgressWithoutATerminal() {
        let t = TempDirectory()
        let conf = Self.bigLog(t)
        let r = Harness.rotatectl(["run", "--force", "-j", "1", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("compressing"))
        #expect(!r.stderr.contains("\r") && !r.stdout.contains("\r"))
        #expect(CompressedFile.passesGzipTest(t.child("big.log.1.gz")))
    }

    @Test func progressOnATerminal() {
        let t = TempDirectory()
        let conf = Self.bigLog(t)
        let command = "\(PackagePaths.rotatectl) run --force -j 1 -s \(t.child("state")) \(conf)"
        let r = Harness.run(["/usr/bin/script", "-qec", command, "/dev/null"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("compressing \(t.child("big.log.1")):"))
        #expect(r.stdout.contains("s left"))
    }
}
