import Foundation
import RotationEngine
import Testing
import TestSupport

/// Hostile links in a log directory: a log that is a symbolic or hard link, and links planted where
/// rotatectl will write (its temporary names, a generation, the name `create` makes). Nothing outside the
/// log directory may be read, written, truncated, re-owned or re-moded through them.
@Suite("Hardening: links") struct HardeningLinkTests {
    /// A tree with `logs/` (the log directory) and `outside/` holding a victim file.
    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-links")
        mkdir(t.child("logs"), 0o755)
        mkdir(t.child("outside"), 0o755)
        t.write("outside/victim", "victim: never to be touched\n", mode: 0o600)
        return t
    }

    @Test func symlinkedLogIsSkippedWithAMessageAndItsTargetUntouched() {
        let t = Self.tree()
        symlink(t.child("outside/victim"), t.child("logs/link.log"))
        symlink(t.child("outside/victim"), t.child("logs/link.trunc"))
        t.write("logs/real.log", "real\n")
        // Every kind of step that would write through a followed link: rename+create+compress, copytruncate.
        let conf = t.config("""
            @DIR@/logs/*.log {
                rotate 2
                compress
                create 0666
            }
            @DIR@/logs/link.trunc {
                rotate 1
                copytruncate
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "-v", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\(t.child("logs/link.log")): symbolic link: skipped, never followed"), "\(r.stdout)")
        #expect(Hostile.isSymlink(t.child("logs/link.log")))
        #expect(Hostile.linkTarget(t.child("logs/link.log")) == t.child("outside/victim"))
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(r.stdout.contains("\(t.child("logs/link.trunc")): symbolic link: skipped, never followed"), "\(r.stdout)")
        #expect(Hostile.linkTarget(t.child("logs/link.trunc")) == t.child("outside/victim"))
        #expect(!t.exists("logs/link.log.1") && !t.exists("logs/link.log.1.gz") && !t.exists("logs/link.trunc.1"))
        #expect(Harness.contents(t.child("logs/real.log.1.gz")) == "real\n")

        // The JSON report says it too.
        let j = Hostile.rotatectl(["run", "--json", "--force", "-s", t.child("state"), conf])
        #expect(j.stdout.contains("symbolic link: skipped"))
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
    }

    @Test func hardLinkedLogIsSkippedUnlessAllowhardlink() throws {
        let t = Self.tree()
        t.write("logs/hard.log", "shared inode\n")
        #expect(link(t.child("logs/hard.log"), t.child("outside/other-name")) == 0)
        let conf = t.config("@DIR@/logs/hard.log {\n rotate 1\n compress\n create\n}\n")
        let r = Hostile.rotatectl(["run", "-v", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 hard links: skipped (allowhardlink not set)"), "\(r.stdout)")
        #expect(t.read("logs/hard.log") == "shared inode\n")
        #expect(!t.exists("logs/hard.log.1") && !t.exists("logs/hard.log.1.gz"))
        #expect(Hostile.lstatus(t.child("outside/other-name"))?.st_nlink == 2)

        let allowed = t.config("@DIR@/logs/hard.log {\n rotate 1\n allowhardlink\n}\n", name: "allow.conf")
        let a = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), allowed])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(t.read("logs/hard.log.1") == "shared inode\n")
        #expect(t.read("outside/other-name") == "shared inode\n")
    }

    /// A generation replaced by a link to a file elsewhere is never read into a compressed file (that
    /// would copy a secret into the log directory) and its target stays as it was.
    @Test func symlinkedGenerationIsNeverCompressedOrFollowed() {
        let t = Self.tree()
        t.write("logs/app.log", "current\n")
        symlink(t.child("outside/victim"), t.child("logs/app.log.1"))
        let conf = t.config("@DIR@/logs/app.log {\n rotate 3\n compress\n delaycompress\n}\n")
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(t.read("logs/app.log.1") == "current\n")
        // The planted link moved along the chain as a link (renameat2 moves the name), never opened.
        #expect(Hostile.isSymlink(t.child("logs/app.log.2")))
        #expect(!t.exists("logs/app.log.2.gz") || !Harness.contents(t.child("logs/app.log.2.gz")).contains("victim"))
        #expect(r.status == 1, "a generation that cannot be opened is an error: \(r.stderr)")
        #expect(r.stderr.contains("app.log.2"), "\(r.stderr)")
    }

    /// A link planted at the temporary name of a compressed output or a copy is removed, never written
    /// through (`O_CREAT|O_EXCL|O_NOFOLLOW` after `unlinkat`).
    @Test func symlinksPlantedAtTemporaryNamesAreNotFollowed() {
        let t = Self.tree()
        t.write("logs/gz.log", Harness.lines("gz", 1...100))
        t.write("logs/copy.log", "copied\n")
        t.write("logs/trunc.log", "truncated\n")
        for name in ["gz.log.1.gz", "copy.log.1", "trunc.log.1"] {
            symlink(t.child("outside/victim"), t.child("logs/.rotatectl-tmp.\(name)"))
        }
        let conf = t.config("""
            @DIR@/logs/gz.log {
                rotate 1
                compress
            }
            @DIR@/logs/copy.log {
                rotate 1
                copy
            }
            @DIR@/logs/trunc.log {
                rotate 1
                copytruncate
            }
            """)
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(Harness.contents(t.child("logs/gz.log.1.gz")) == Harness.lines("gz", 1...100))
        #expect(t.read("logs/copy.log.1") == "copied\n" && t.read("logs/copy.log") == "copied\n")
        #expect(t.read("logs/trunc.log.1") == "truncated\n" && t.read("logs/trunc.log") == "")
        for name in ["gz.log.1", "copy.log.1", "trunc.log.1"] {
            #expect(!Hostile.isSymlink(t.child("logs/\(name)")))
        }
    }

    /// A link planted at the name `create` is about to make (here between a crash after the rename and
    /// the recovery run) is left alone: no `open(O_CREAT)` through it, no `fchown`/`fchmod` of its target
    /// (the classic way to make root chmod a file of the attacker's choosing).
    @Test func symlinkPlantedAtTheCreateTargetIsNotFollowed() throws {
        // Stop right after the rename, before the create (each try on a fresh tree).
        var stopped: (TempDirectory, String)?
        for k in 1...8 where stopped == nil {
            let t = Self.tree()
            t.write("logs/app.log", "rotated\n")
            let conf = t.config("@DIR@/logs/app.log {\n rotate 1\n create 0666 nobody nogroup\n}\n")
            let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf],
                                      environment: ["ROTATECTL_CRASH_AT": String(k)])
            if r.status == 137 && r.stderr.contains("(rename ") { stopped = (t, conf) }
            if r.status != 137 { break }
        }
        let (t, conf) = try #require(stopped, "no crash point after the rename")
        #expect(!t.exists("logs/app.log") && t.read("logs/app.log.1") == "rotated\n")
        symlink(t.child("outside/victim"), t.child("logs/app.log"))
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "-s", t.child("state"), conf])
        #expect(r.status < 128, "\(r.stderr)")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        #expect(Hostile.mode(t.child("outside/victim")) == 0o600)
        #expect(Hostile.lstatus(t.child("outside/victim"))?.st_uid == 0)
        #expect(Hostile.isSymlink(t.child("logs/app.log")))
        #expect(!t.exists("logs/.rotatectl.journal"))
    }
}
