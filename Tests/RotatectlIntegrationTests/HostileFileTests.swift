import Foundation
import Testing
import TestSupport

/// Files an unprivileged owner of a log directory plants for root's run (issue 16): FIFOs where logs,
/// generations or our own files are expected, pid files that point at another daemon, an `olddir`
/// that is a link out of the directory, and names so long that a temporary name would not fit.
@Suite("Hostile files") struct HostileFileTests {
    static let user: uid_t = 65534
    static let group: gid_t = 65534

    /// A tree with `logs` (owned by `nobody`, mode 0755: rotated by root without `su`, as today) and
    /// `fine` (root's).
    static func tree(_ label: String) -> TempDirectory {
        let t = TempDirectory(label)
        for d in ["logs", "fine"] { mkdir(t.child(d), 0o755) }
        chown(t.child("logs"), user, group)
        return t
    }

    /// Writes `name` as the user's file.
    static func plant(_ t: TempDirectory, _ name: String, _ text: String) {
        t.write(name, text)
        chown(t.child(name), user, group)
    }

    // MARK: - 5. FIFOs

    /// A FIFO planted as a generation (moved along and then compressed by `delaycompress`), as an
    /// uncompressed leftover, as a temporary name or as our journal: no open blocks, the run ends in
    /// bounded time with an error naming the FIFO, the other logs rotate, and so does a second run.
    @Test(arguments: [
        ("app.log.1", "compress\n delaycompress", "logs/app.log.2"),
        ("app.log.2", "compress", "logs/app.log.3"),
        ("app.log.1", "copy", nil),
        (".rotatectl-tmp.app.log.1.gz", "compress", nil),
        (".rotatectl.journal", "compress", "logs/.rotatectl.journal"),   // refused with a warning, never replayed
        (".rotatectl.lock", "compress", "logs/.rotatectl.lock"),
    ] as [(String, String, String?)])
    func fifoPlantedInALogDirectoryNeverHangsTheRun(planted: String, directives: String, named: String?) {
        let t = Self.tree("rotatectl-fifo")
        Self.plant(t, "logs/app.log", "current\n")
        #expect(mkfifo(t.child("logs/" + planted), 0o644) == 0)
        chown(t.child("logs/" + planted), Self.user, Self.group)
        t.write("fine/b.log", "b\n")
        let conf = t.config("@DIR@/logs/app.log {\n rotate 3\n missingok\n \(directives)\n}\n@DIR@/fine/b.log {\n rotate 1\n}\n")
        for run in 1...2 {
            let started = Date()
            let r = Hostile.rotatectl(["run", "--force", "--wait", "1", "-s", t.child("state"), conf], seconds: 20)
            #expect(r.status != 124, "run \(run) hung and was killed")
            #expect(Date().timeIntervalSince(started) < 15, "run \(run) took too long")
            if let named, run == 1 {
                #expect(r.status == (planted == ".rotatectl.journal" ? 0 : 1), "run \(run): \(r.stderr)")
                #expect(r.stderr.contains(t.child(named)), "run \(run) names the FIFO: \(r.stderr)")
            } else {
                #expect(r.status == 0 || r.status == 1, "run \(run): \(r.stderr)")
            }
            if run == 1 { #expect(t.read("fine/b.log.1") == "b\n", "the other log still rotates: \(r.stderr)") }
        }
    }
}
