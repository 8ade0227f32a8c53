import Foundation
import Testing
import TestSupport

/// `log.1` beside `log.1.gz` at rotation time (issue 18 §5): the log is rotated, not stopped for good. As
/// logrotate names an output that was in the way, the compressed one is moved aside to
/// `NAME-YYYYMMDDHH.backup`, with a `generation-set-aside` warning; the plain one is shifted and
/// compressed. Side by side with logrotate 3.21, which renames the log over the plain `log.1` and so
/// loses it: every line logrotate keeps, rotatectl keeps, and the lost one too.
@Suite struct GenerationConflictTests {
    static func seed(_ t: TempDirectory) -> String {
        t.write("logs/app.log", "current\n")
        t.write("logs/app.log.1", "plain leftover\n")
        #expect(Harness.sh("printf 'compressed one\\n' | gzip > \(t.child("logs/app.log.1.gz"))").status == 0)
        #expect(Harness.sh("printf 'compressed two\\n' | gzip > \(t.child("logs/app.log.2.gz"))").status == 0)
        return t.config("@DIR@/logs/app.log {\n rotate 3\n compress\n}\n")
    }

    /// Every line of every file under `logs`, sorted, and the file names.
    static func tree(_ t: TempDirectory) -> (names: [String], lines: [String]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: t.child("logs"))) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
        let lines = names.flatMap { name -> [String] in
            let path = t.child("logs/\(name)")
            let text = name.contains(".gz") ? String(decoding: CompressedFile.decompressed(path) ?? [], as: UTF8.self)
                                            : Harness.contents(path)
            return text.split(separator: "\n").map(String.init)
        }
        return (names, lines.sorted())
    }

    @Test func theCompressedOneIsSetAsideAndTheLogRotatesLosingNothing() throws {
        let lr = TempDirectory("rotatectl-gc-lr"), rc = TempDirectory("rotatectl-gc-rc")
        defer { lr.remove(); rc.remove() }
        let theirs = Harness.run(["/usr/sbin/logrotate", "-f", "-s", lr.child("state"), Self.seed(lr)])
        let ours = Harness.rotatectl(["run", "-f", "--json", "-s", rc.child("state"), Self.seed(rc)])
        #expect(theirs.status == 0)
        #expect(ours.status == 0, "\(ours.stdout)\(ours.stderr)")
        #expect(Harness.codes(ours) == ["generation-set-aside"])
        let lost = Self.tree(lr), kept = Self.tree(rc)
        #expect(!lost.lines.contains("plain leftover"), "logrotate 3.21 was expected to lose it: \(lost)")
        #expect(kept.lines == ["compressed one", "compressed two", "current", "plain leftover"], "\(kept)")
        #expect(Set(lost.lines).isSubset(of: Set(kept.lines)))
        // The backup is named as logrotate names one; the chain is whole and gzip-clean.
        let backup = try #require(kept.names.first { $0.hasPrefix("app.log.1.gz-") })
        #expect(backup.range(of: #"^app\.log\.1\.gz-[0-9]{10}\.backup$"#, options: .regularExpression) != nil, "\(backup)")
        #expect(CompressedFile.decompressed(rc.child("logs/\(backup)")) == Array("compressed one\n".utf8))
        #expect(Set(kept.names).isSuperset(of: ["app.log.1.gz", "app.log.2.gz", "app.log.3.gz"]), "\(kept.names)")
        for name in ["app.log.1.gz", "app.log.2.gz", "app.log.3.gz"] {
            #expect(CompressedFile.passesGzipTest(rc.child("logs/\(name)")), "\(name)")
        }
        // A second run rotates again and leaves the backup alone.
        rc.write("logs/app.log", "later\n")
        let again = Harness.rotatectl(["run", "-f", "--json", "-s", rc.child("state"), rc.child("test.conf")])
        #expect(again.status == 0 && Harness.codes(again).isEmpty, "\(again.stdout)")
        #expect(CompressedFile.decompressed(rc.child("logs/\(backup)")) == Array("compressed one\n".utf8))
    }
}
