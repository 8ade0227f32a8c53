import Foundation
import Testing
import TestSupport

/// The symbolic-link race: a log directory or `olddir` swapped for a link to another directory while
/// rotatectl runs. Scripts run with the locks released, between the first plan and the locked re-plan
/// (prerotate) and between the renames and compression/removal (postrotate), so a script doing the swap
/// puts it exactly in those windows. rotatectl opened every directory once and works relative to those
/// descriptors: nothing in the link's target may change.
@Suite("Hardening: directory swapped for a symlink") struct HardeningRaceTests {
    /// `outside/` is what the attacker points the link at: a live log and generations of the same names.
    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-race")
        for d in ["logs", "outside"] { mkdir(t.child(d), 0o755) }
        t.write("outside/app.log", "outside live\n")
        t.write("outside/app.log.1", "outside generation 1\n")
        t.write("outside/app.log.2.gz", "not even gzip\n")
        t.write("outside/victim", "victim\n", mode: 0o600)
        return t
    }

    /// The texts of every regular file below `dir`, decompressing `.gz`, sorted.
    static func texts(_ dir: String) -> [String] {
        (FileManager.default.subpaths(atPath: dir) ?? []).filter { !$0.hasPrefix(".") }.compactMap { name in
            let p = dir + "/" + name
            guard let st = Hostile.lstatus(p), st.st_mode & S_IFMT == S_IFREG else { return nil }
            return Harness.contents(p)
        }.filter { !$0.isEmpty }.sorted()
    }

    /// The swap script: the real directory moved aside, a link to `outside/` in its place.
    static func swap(_ t: TempDirectory, _ dir: String) -> String {
        "mv \(t.child(dir)) \(t.child(dir + ".moved")) && ln -s \(t.child("outside")) \(t.child(dir))"
    }

    @Test func logDirectorySwappedDuringPrerotateRedirectsNothing() {
        let t = Self.tree()
        t.write("logs/app.log", "real live\n")
        t.write("logs/app.log.1", "real generation 1\n")
        let conf = t.config("""
            @DIR@/logs/app.log {
                rotate 2
                compress
                create 0644
                prerotate
                    \(Self.swap(t, "logs"))
                endscript
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status < 128, "\(r.stderr)")
        #expect(Hostile.isSymlink(t.child("logs")), "the script ran: \(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside, "\(r.stdout)\n\(r.stderr)")
        // The locked re-plan sees the path name another directory: the set is refused, untouched.
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r) == ["directory-replaced"], "\(r.stdout)")
        #expect(Harness.events(r).first { $0["code"] as? String == "directory-replaced" }?["path"] as? String == t.child("logs"))
        #expect(t.read("logs.moved/app.log") == "real live\n" && t.read("logs.moved/app.log.1") == "real generation 1\n")
        #expect(Self.texts(t.child("logs.moved")) == ["real generation 1\n", "real live\n"])
    }

    @Test func logDirectorySwappedDuringPostrotateRedirectsNoCompressionOrRemoval() {
        let t = Self.tree()
        t.write("logs/app.log", "real live\n")
        t.write("logs/app.log.1", "real generation 1\n")
        // After the renames app.log.1 -> .2 and app.log -> .1, the finish phase compresses both and
        // drops generation 3: all of that must land in the moved directory, none in outside/.
        let conf = t.config("""
            @DIR@/logs/app.log {
                rotate 2
                compress
                postrotate
                    \(Self.swap(t, "logs"))
                endscript
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status < 128, "\(r.stderr)")
        #expect(Hostile.isSymlink(t.child("logs")), "the script ran: \(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside, "\(r.stdout)\n\(r.stderr)")
        #expect(Harness.contents(t.child("logs.moved/app.log.1.gz")) == "real live\n", "\(r.stderr)")
        #expect(Harness.contents(t.child("logs.moved/app.log.2.gz")) == "real generation 1\n", "\(r.stderr)")
    }

    @Test func olddirSwappedDuringPrerotateRedirectsNothing() {
        let t = Self.tree()
        mkdir(t.child("old"), 0o755)
        t.write("logs/app.log", "real live\n")
        t.write("old/app.log.1", "real generation 1\n")
        let conf = t.config("""
            @DIR@/logs/app.log {
                rotate 2
                olddir @DIR@/old
                compress
                prerotate
                    \(Self.swap(t, "old"))
                endscript
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status < 128, "\(r.stderr)")
        #expect(Hostile.isSymlink(t.child("old")), "the script ran: \(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside, "\(r.stdout)\n\(r.stderr)")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r) == ["directory-replaced"], "\(r.stdout)")
        #expect(Harness.events(r).first { $0["code"] as? String == "directory-replaced" }?["path"] as? String == t.child("old"))
        let kept = (Self.texts(t.child("old.moved")) + Self.texts(t.child("logs"))).sorted()
        #expect(kept == ["real generation 1\n", "real live\n"], "\(r.stdout)\n\(r.stderr)")
    }

    /// A name planted at the compressed output's name while scripts run (here a link to a victim, and an
    /// empty file) must not make rotatectl believe the generation was already compressed and delete it:
    /// the log's lines must survive somewhere, the victim untouched.
    /// FAILS today: Runner.compressBatch removes the source whenever the destination name exists
    /// ("the output was complete before it was renamed in"), without checking what it is.
    @Test(arguments: ["symlink", "empty file"])
    func namePlantedAtTheCompressedOutputDoesNotDeleteTheGeneration(kind: String) {
        let t = Self.tree()
        t.write("logs/app.log", "real live\n")
        let plant = kind == "symlink" ? "ln -s \(t.child("outside/victim")) \(t.child("logs/app.log.1.gz"))"
                                      : ": > \(t.child("logs/app.log.1.gz"))"
        let conf = t.config("""
            @DIR@/logs/app.log {
                rotate 2
                compress
                postrotate
                    \(plant)
                endscript
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status < 128, "\(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(Self.texts(t.child("logs")).contains("real live\n"), "the rotated lines were deleted: \(r.stdout)\n\(r.stderr)")
    }
}
