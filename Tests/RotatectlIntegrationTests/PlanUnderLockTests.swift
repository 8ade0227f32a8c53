import Foundation
import Testing
import TestSupport

/// The check under the lock: a plan is kept only if nothing it was made on has changed. A prerotate
/// script runs with the lock released, after the first plan, so what it changes must be planned again.
@Suite struct PlanUnderLockTests {
    @Test func aGenerationMovedByPrerotateIsPlannedAgain() {
        let t = TempDirectory("rotatectl-replan")
        defer { t.remove() }
        mkdir(t.child("logs"), 0o755)
        t.write("logs/app.log", "live\n")
        t.write("logs/app.log.1", "generation one\n")
        #expect(Harness.sh("gzip -n \(t.child("logs/app.log.1"))").status == 0)
        // The first plan shifts app.log.1.gz to .2.gz; the script moves it there first, so the plan made
        // under the lock shifts .2.gz to .3.gz instead, beyond rotate 2, and removes it.
        let conf = t.config("""
            @DIR@/logs/app.log {
                rotate 2
                compress
                prerotate
                    mv \(t.child("logs/app.log.1.gz")) \(t.child("logs/app.log.2.gz"))
                endscript
            }
            """)
        let r = Harness.rotatectl(["run", "--force", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(!r.stderr.contains("error"), "\(r.stderr)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: t.child("logs")))?.filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == ["app.log.1.gz"], "\(r.stdout)")
        #expect(CompressedFile.decompressed(t.child("logs/app.log.1.gz")) == Array("live\n".utf8))
        #expect(r.stdout.contains("app.log.3.gz"), "the generation the script moved went beyond rotate 2: \(r.stdout)")
    }
}
