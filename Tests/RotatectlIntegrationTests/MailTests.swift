#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

/// `mail`, `mailfirst`, `maillast` on the built binary, with a fake mail command that records its
/// arguments and standard input: which file is mailed, under which subject, uncompressed, and that a file
/// is removed only once mailed (kept on a failure, mailed by the next rotation).
@Suite struct MailTests {
    /// A mail command appending `argv: [-s] [SUBJECT] [ADDRESS]` and its input to `mailed`; `exit` is its status.
    func fakeMail(_ t: TempDirectory, name: String = "mail.sh", exit status: Int = 0, sleep: Int = 0) -> String {
        let script = t.write(name, """
            #!/bin/sh
            { printf 'argv:'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\\n'; cat; } >> \(t.child("mailed"))
            sleep \(sleep)
            exit \(status)

            """, mode: 0o755)
        return script
    }

    func run(_ t: TempDirectory, _ conf: String, mail: String) -> ProcessResult {
        Harness.rotatectl(["run", "--force", "--json", "-m", mail, "-s", t.child("state"), conf])
    }

    func gzip(_ t: TempDirectory, _ name: String, _ text: String) {
        _ = t.write(name, text)
        #expect(Harness.run(["/bin/gzip", "-n", t.child(name)]).status == 0)
    }

    @Test func maillastMailsTheGenerationRemovedThenRemovesIt() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        _ = t.write("app.log.2", "two\n")
        let conf = t.config("@DIR@/app.log {\n rotate 2\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.3"))] [ops@example.org]\ntwo\n")
        #expect(!t.exists("app.log.3"))
        #expect(t.read("app.log.1") == "now\n" && t.read("app.log.2") == "one\n")
    }

    @Test func maillastMailsACompressedGenerationUncompressed() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        gzip(t, "app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.2.gz"))] [ops@example.org]\none\n")
        #expect(!t.exists("app.log.2.gz"))
        #expect(Harness.contents(t.child("app.log.1.gz")) == "now\n")
    }

    @Test func anUncompressCommandOtherThanGunzipIsRunBetweenFileAndMail() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        gzip(t, "app.log.1", "one\n")
        let unzip = t.write("unzip.sh", "#!/bin/sh\nexec /bin/gzip -dc\n", mode: 0o755)
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n uncompresscmd \(unzip)\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.2.gz"))] [ops@example.org]\none\n")
        #expect(!t.exists("app.log.2.gz"))
    }

    @Test func delaycompressMailsTheUncompressedGenerationUnderItsCompressedName() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n delaycompress\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.2.gz"))] [ops@example.org]\none\n")
        #expect(t.read("app.log.1") == "now\n" && !t.exists("app.log.2") && !t.exists("app.log.2.gz"))
    }

    @Test func mailfirstMailsTheLogJustRotated() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n mail ops@example.org\n mailfirst\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.1"))] [ops@example.org]\nnow\n")
        #expect(!t.exists("app.log.2") && t.read("app.log.1") == "now\n")
    }

    @Test func mailfirstWithCompressNamesTheLogAndMailsItUncompressed() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n mail ops@example.org\n mailfirst\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log"))] [ops@example.org]\nnow\n")
        #expect(Harness.contents(t.child("app.log.1.gz")) == "now\n")
    }

    @Test func rotateZeroMailsTheRotatedLogThenRemovesIt() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        let conf = t.config("@DIR@/app.log {\n rotate 0\n compress\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.1.gz"))] [ops@example.org]\nnow\n")
        #expect(!t.exists("app.log.1") && !t.exists("app.log.1.gz"))
    }

    @Test func dateextMailsTheOldestDatedGeneration() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log-20200101", "old\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n dateext\n mail ops@example.org\n}\n")
        let r = run(t, conf, mail: fakeMail(t))
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log-20200101"))] [ops@example.org]\nold\n")
        #expect(!t.exists("app.log-20200101"))
    }

    @Test func aFailedMailKeepsTheFileAndTheNextRotationMailsIt() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n mail ops@example.org\n}\n")
        let failed = run(t, conf, mail: fakeMail(t, name: "broken.sh", exit: 1))
        #expect(failed.status == 1)
        let event = Harness.events(failed).first { $0["code"] as? String == "mail-failed" }
        #expect(event?["path"] as? String == t.child("app.log.2"))
        #expect(t.read("app.log.2") == "one\n", "kept where it was")
        #expect(Harness.contents(t.child("app.log.1.gz")) == "now\n")
        unlink(t.child("mailed"))
        _ = t.write("app.log", "later\n")
        let again = run(t, conf, mail: fakeMail(t))
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        let mailed = t.read("mailed") ?? ""
        #expect(mailed.contains("argv: [-s] [\(t.child("app.log.3.gz"))] [ops@example.org]\none\n"), "\(mailed)")
        #expect(mailed.contains("argv: [-s] [\(t.child("app.log.2.gz"))] [ops@example.org]\nnow\n"), "\(mailed)")
        #expect(t.names(includingHidden: false).filter { $0.hasPrefix("app.log") }.sorted() == ["app.log.1.gz"], "no create: the log is not made anew")
        #expect(Harness.contents(t.child("app.log.1.gz")) == "later\n")
    }

    @Test func aMailCommandThatCannotRunOrHangsKeepsTheFile() {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n scripttimeout 1\n mail ops@example.org\n}\n")
        let missing = run(t, conf, mail: t.child("no-such-mail"))
        #expect(Harness.codes(missing).contains("mail-failed") && missing.status == 1)
        #expect(t.read("app.log.2") == "one\n")
        _ = t.write("app.log", "later\n")
        let started = monotonicNow()
        let hung = run(t, conf, mail: fakeMail(t, sleep: 30))
        #expect(monotonicNow() - started < 10, "the mail command is killed after scripttimeout")
        #expect(Harness.codes(hung).contains("mail-failed") && hung.status == 1)
        #expect(t.read("app.log.3") == "one\n" && t.read("app.log.2") == "now\n")
    }

    @Test func theLogrotateNameTakesTheMailCommandFromDashM() throws {
        let t = TempDirectory()
        _ = t.write("app.log", "now\n")
        _ = t.write("app.log.1", "one\n")
        let conf = t.config("@DIR@/app.log {\n rotate 1\n mail ops@example.org\n}\n")
        try #require(symlink(PackagePaths.rotatectl, t.child("logrotate")) == 0)
        let r = Harness.run([t.child("logrotate"), "-f", "-m", fakeMail(t), "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("mailed") == "argv: [-s] [\(t.child("app.log.2"))] [ops@example.org]\none\n")
    }
}
