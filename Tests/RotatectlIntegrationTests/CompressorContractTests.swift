import Foundation
import Testing
import TestSupport

/// A `compresscmd` is called as logrotate calls it (issue 18, section 5): the file being compressed named
/// in `LOGROTATE_COMPRESSED_FILENAME`, and what it writes on standard error reported as a warning even
/// when it succeeds. Checked side by side with the real logrotate 3.21.
@Suite struct CompressorContractTests {
    /// A tree with a log, and a compressor that records its environment, talks on stderr and gzips.
    static func tree(_ label: String) -> (TempDirectory, String) {
        let t = TempDirectory(label)
        t.write("logs/app.log", Harness.lines("line", 1...300))
        t.write("cz.sh", """
            #!/bin/sh
            printf '%s\\n' "$LOGROTATE_COMPRESSED_FILENAME" >> \(t.child("witness"))
            echo "note from the compressor" >&2
            exec /bin/gzip -c
            """, mode: 0o755)
        let conf = t.config("@DIR@/logs/app.log {\n rotate 2\n compress\n compresscmd @DIR@/cz.sh\n compressext .gz\n}\n")
        return (t, conf)
    }

    @Test func theCompressorIsToldTheFileAndItsStderrIsAWarning() {
        let (t, conf) = Self.tree("rotatectl-cz")
        defer { t.remove() }
        let r = Harness.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("witness") == t.child("logs/app.log.1") + "\n", "\(t.read("witness") ?? "nothing")")
        #expect(Harness.codes(r) == ["compressor-message"], "\(r.stdout)")
        #expect(r.stderr.contains("note from the compressor"), "\(r.stderr)")
        #expect(CompressedFile.passesGzipTest(t.child("logs/app.log.1.gz")))
        #expect(Harness.contents(t.child("logs/app.log.1.gz")) == Harness.lines("line", 1...300))
        #expect(!t.exists("logs/app.log.1"))
    }

    /// logrotate on the same tree: the same file named, the message on its standard error, exit 0.
    @Test func logrotateDoesTheSame() {
        let (t, conf) = Self.tree("rotatectl-cz-lr")
        defer { t.remove() }
        let r = Harness.run(["/usr/sbin/logrotate", "-f", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("witness") == t.child("logs/app.log.1") + "\n", "\(t.read("witness") ?? "nothing")")
        #expect(r.stderr.contains("note from the compressor"), "\(r.stderr)")
        #expect(Harness.contents(t.child("logs/app.log.1.gz")) == Harness.lines("line", 1...300))
    }
}
