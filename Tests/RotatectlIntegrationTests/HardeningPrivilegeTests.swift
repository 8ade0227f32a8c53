import Foundation
import Testing
import TestSupport

/// Privileges (the suite runs as root, as CI does): directories another user can write are refused
/// unless `su` says whose they are; the state file, its lock and the directory locks are root's alone;
/// hostile lock files make rotatectl refuse the directory, never follow or block on them.
@Suite("Hardening: privileges and locks") struct HardeningPrivilegeTests {
    @Test func runsAsRoot() {
        #expect(getuid() == 0, "these tests check root's behaviour")
    }

    /// logrotate's rule: as root, a log directory writable by a group other than root's, or by others,
    /// is refused without `su`.
    @Test(arguments: [(0o775, 65534, true), (0o777, 0, true), (0o1777, 0, true), (0o775, 0, false), (0o755, 65534, false)])
    func directoryWritableByOthersIsRefusedWithoutSu(mode: Int, gid: Int, refused: Bool) {
        let t = TempDirectory("rotatectl-priv")
        mkdir(t.child("logs"), 0o755)
        t.write("logs/a.log", "a\n")
        chown(t.child("logs"), 0, gid_t(gid))
        chmod(t.child("logs"), mode_t(mode))
        t.write("other.log", "other\n")
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n@DIR@/other.log {\n rotate 1\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(t.read("other.log.1") == "other\n", "the other set still rotates")
        if refused {
            #expect(r.status == 1)
            #expect(r.stderr.contains("\(t.child("logs/a.log")): skipped: parent directory \(t.child("logs")) is writable by group or others; set su USER GROUP for it"), "\(r.stderr)")
            #expect(t.read("logs/a.log") == "a\n" && !t.exists("logs/a.log.1"))
            #expect(!t.exists("logs/.rotatectl.lock"), "a refused directory is not even locked")
        } else {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(t.read("logs/a.log.1") == "a\n")
        }
    }

    /// With `su USER GROUP` the directory is accepted. rotatectl parses `su` but does not yet switch to
    /// those ids for the file operations or the scripts (SECURITY.md): what it does today is root's
    /// operations, relative to directory descriptors, creating files 0600 before giving them their owner.
    @Test func suRunsFileOperationsAsTheUserAndScriptsAsRoot() {
        let t = TempDirectory("rotatectl-su")
        mkdir(t.child("logs"), 0o775)
        chown(t.child("logs"), 65534, 65534)
        chmod(t.child("logs"), 0o775)
        t.write("logs/a.log", "a\n")
        chown(t.child("logs/a.log"), 65534, 65534)
        let conf = t.config("""
            @DIR@/logs/a.log {
                su nobody nogroup
                rotate 1
                compress
                create 0640
                prerotate
                    id -u > @DIR@/script-uid
                endscript
            }
            """)
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Harness.contents(t.child("logs/a.log.1.gz")) == "a\n")
        // The compressed file and the new log are the su user's: they were made with its ids.
        #expect(Hostile.lstatus(t.child("logs/a.log.1.gz"))?.st_uid == 65534)
        #expect(Hostile.lstatus(t.child("logs/a.log"))?.st_uid == 65534)
        #expect(Hostile.mode(t.child("logs/a.log")) == 0o640)
        // As in logrotate, scripts run as root.
        #expect(t.read("script-uid") == "0\n")
        // A file only root may read cannot be copied by the su user: the set fails, nothing is lost.
        t.write("logs/root.log", "secret\n", mode: 0o600)
        let conf2 = t.config("@DIR@/logs/root.log {\n su nobody nogroup\n rotate 1\n copy\n}\n", name: "root.conf")
        let denied = Hostile.rotatectl(["run", "--force", "-s", t.child("state2"), conf2])
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("Permission denied"))
        #expect(t.read("logs/root.log") == "secret\n" && !t.exists("logs/root.log.1"))
    }

    /// The state file and its lock are 0600: another user can neither read the schedule nor take the
    /// lock (opening it fails), nor take a directory lock.
    @Test func stateAndLocksArePrivateToRoot() {
        let t = TempDirectory("rotatectl-private")
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 1\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["state", "state.lock", ".rotatectl.lock"] {
            #expect(Hostile.mode(t.child(name)) == 0o600, "\(name)")
            #expect(Hostile.lstatus(t.child(name))?.st_uid == 0, "\(name)")
        }
        let read = Hostile.asNobody(["/bin/cat", t.child("state")])
        #expect(read.status != 0 && read.stderr.contains("Permission denied"), "\(read)")
        for name in ["state.lock", ".rotatectl.lock"] {
            let open = Hostile.asNobody(["/bin/sh", "-c", "exec 3<\"$1\"", "sh", t.child(name)])
            #expect(open.status != 0 && open.stderr.contains("Permission denied"), "\(name): \(open)")
        }
        // As nobody, rotatectl's own lock command cannot lock the directory (its lock file is root's).
        let lock = Hostile.asNobody([PackagePaths.rotatectl, "lock", "--wait", "0", t.path, "--", "/bin/true"])
        #expect(lock.status != 0, "\(lock)")
        #expect(lock.stderr.contains(".rotatectl.lock"), "\(lock.stderr)")
    }

    /// A `.rotatectl.lock` that is a symbolic link, a FIFO or a directory: that set fails with a clear
    /// error and exit status 1, the link's target is not truncated or written, the FIFO blocks nothing,
    /// and the other sets still rotate.
    @Test(arguments: ["symlink", "fifo", "directory"])
    func hostileDirectoryLockFileIsRefused(kind: String) {
        let t = TempDirectory("rotatectl-hostile-lock")
        for d in ["logs", "outside", "fine"] { mkdir(t.child(d), 0o755) }
        t.write("outside/victim", "victim\n", mode: 0o600)
        t.write("logs/a.log", "a\n")
        t.write("fine/b.log", "b\n")
        let lock = t.child("logs/.rotatectl.lock")
        let reason: String
        switch kind {
        case "symlink": symlink(t.child("outside/victim"), lock); reason = "it is a symbolic link"
        case "fifo": mkfifo(lock, 0o600); reason = "it is a FIFO"
        default: mkdir(lock, 0o700); reason = "it is a directory"
        }
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n@DIR@/fine/b.log {\n rotate 1\n}\n")
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "--json", "--wait", "1", "-s", t.child("state"), conf], seconds: 30)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r) == ["lock-failed"], "\(r.stdout)")
        #expect(Harness.events(r).first { $0["code"] as? String == "lock-failed" }?["path"] as? String == lock, "\(r.stdout)")
        #expect(r.stderr.contains(reason), "\(r.stderr)")
        #expect(t.read("logs/a.log") == "a\n" && !t.exists("logs/a.log.1"))
        #expect(t.read("fine/b.log.1") == "b\n")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)
        if kind == "symlink" { #expect(Hostile.linkTarget(lock) == t.child("outside/victim")) }
    }

    /// The state lock planted as a link, or owned by another user in a sticky shared directory:
    /// the state is not saved (an error naming it), the target is untouched, the logs still rotate.
    @Test func hostileStateLockIsRefused() {
        let t = TempDirectory("rotatectl-state-lock")
        mkdir(t.child("outside"), 0o755)
        t.write("outside/victim", "victim\n", mode: 0o600)
        t.write("a.log", "a\n")
        symlink(t.child("outside/victim"), t.child("state.lock"))
        let conf = t.config("@DIR@/a.log {\n rotate 1\n}\n")
        let outside = Hostile.fingerprint(t.child("outside"))
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Harness.codes(r).contains("state-not-saved") || Harness.codes(r).contains("state-unwritable"), "\(r.stdout)")
        #expect(t.read("a.log.1") == "a\n")
        #expect(Hostile.fingerprint(t.child("outside")) == outside)

        mkdir(t.child("shared"), 0o755)
        chmod(t.child("shared"), 0o1777)
        t.write("shared/state.lock", "", mode: 0o666)
        chown(t.child("shared/state.lock"), 65534, 65534)
        t.write("a.log", "again\n")
        let s = Hostile.rotatectl(["run", "--force", "-s", t.child("shared/state"), conf])
        #expect(s.status == 1, "\(s.stderr)")
        #expect(s.stderr.contains("refusing to lock state: owned by uid 65534, not root"), "\(s.stderr)")
        // Only the empty file the run-wide lock is taken on (as logrotate creates it); no state was saved.
        #expect((t.read("shared/state") ?? "") == "")
    }
}
