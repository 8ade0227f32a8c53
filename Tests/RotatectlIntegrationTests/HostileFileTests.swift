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
        (".rotatectl.journal.2", "compress", "logs/.rotatectl.journal.2"),   // a numbered one: the same
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
                #expect(r.status == (planted.hasPrefix(".rotatectl.journal") ? 0 : 1), "run \(run): \(r.stderr)")
                #expect(r.stderr.contains(t.child(named)), "run \(run) names the FIFO: \(r.stderr)")
            } else {
                #expect(r.status == 0 || r.status == 1, "run \(run): \(r.stderr)")
            }
            if run == 1 { #expect(t.read("fine/b.log.1") == "b\n", "the other log still rotates: \(r.stderr)") }
        }
    }

    // MARK: - 6. Pid files

    /// Whether `process` ended within `seconds` (reaped then); false while it still runs.
    static func ended(_ process: SpawnedProcess, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var status: Int32 = 0
            if waitpid(process.pid, &status, WNOHANG) == process.pid { return true }
            usleep(50_000)
        } while Date() < deadline
        return false
    }

    /// A root daemon (`sleep`) and its root-owned pid file in a root-owned directory.
    static func rootVictim(_ t: TempDirectory) -> SpawnedProcess? {
        mkdir(t.child("run"), 0o755)
        guard let victim = SpawnedProcess.start(["/usr/bin/sleep", "30"]) else { return nil }
        usleep(100_000)
        t.write("run/victim.pid", "\(victim.pid)\n")
        return victim
    }

    static func pidConf(_ t: TempDirectory) -> String {
        t.config("@DIR@/logs/app.log {\n rotate 1\n pidfile @DIR@/logs/app.pid\n}\n@DIR@/fine/b.log {\n rotate 1\n}\n")
    }

    /// The directory's owner links `app.pid` to another root daemon's pid file: root must not signal it.
    @Test func pidFileSymlinkToAnotherDaemonsPidFileIsNotFollowed() throws {
        let t = Self.tree("rotatectl-pidlink")
        Self.plant(t, "logs/app.log", "a\n")
        t.write("fine/b.log", "b\n")
        let victim = try #require(Self.rootVictim(t))
        defer { victim.kill(); _ = victim.wait() }
        symlink(t.child("run/victim.pid"), t.child("logs/app.pid"))
        lchown(t.child("logs/app.pid"), Self.user, Self.group)
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), Self.pidConf(t)], seconds: 30)
        #expect(!Self.ended(victim, within: 1), "the root daemon was signalled through the link")
        #expect(r.stderr.contains(t.child("logs/app.pid")), "a warning names the pid file: \(r.stderr)")
        #expect(t.read("logs/app.log.1") == "a\n" && t.read("fine/b.log.1") == "b\n", "\(r.stderr)")
    }

    /// A root-owned pid file in the user's directory (which the user can replace) holding a root pid.
    @Test func rootPidFileInAUserWritableDirectoryIsNotTrusted() throws {
        let t = Self.tree("rotatectl-piddir")
        Self.plant(t, "logs/app.log", "a\n")
        t.write("fine/b.log", "b\n")
        let victim = try #require(Self.rootVictim(t))
        defer { victim.kill(); _ = victim.wait() }
        t.write("logs/app.pid", "\(victim.pid)\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), Self.pidConf(t)], seconds: 30)
        #expect(!Self.ended(victim, within: 1), "a pid from a file the user could replace reached a root process")
        #expect(r.stderr.contains(t.child("logs/app.pid")), "\(r.stderr)")
    }

    /// A user's own pid file: a root process in it is not signalled, the user's own process is.
    @Test(arguments: [false, true])
    func userPidFileIsSignalledOnlyForTheUsersOwnProcess(own: Bool) throws {
        let t = Self.tree("rotatectl-piduser")
        Self.plant(t, "logs/app.log", "a\n")
        t.write("fine/b.log", "b\n")
        let argv = own ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/sleep", "30"]
                       : ["/usr/bin/sleep", "30"]
        let target = try #require(SpawnedProcess.start(argv))
        defer { target.kill(); _ = target.wait() }
        usleep(200_000)
        Self.plant(t, "logs/app.pid", "\(target.pid)\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), Self.pidConf(t)], seconds: 30)
        #expect(Self.ended(target, within: own ? 5 : 1) == own, "own process: \(own): \(r.stderr)")
        if !own { #expect(r.stderr.contains(t.child("logs/app.pid")), "\(r.stderr)") }
        #expect(t.read("logs/app.log.1") == "a\n", "\(r.stderr)")
    }

    // MARK: - 7. olddir

    /// `olddir archive`, where the directory's owner made `archive` a link to a root directory: nothing
    /// there is renamed, created or removed, the set fails naming `archive`, the other set rotates.
    @Test(arguments: [false, true])
    func olddirSymlinkOutOfTheLogDirectoryIsRefused(createOldDir: Bool) {
        let t = Self.tree("rotatectl-olddir")
        let victim = TempDirectory("rotatectl-victimdir")
        victim.write("app.log.1", "victim one\n", mode: 0o600)
        victim.write("app.log.2", "victim two\n", mode: 0o600)
        victim.write("keep", "keep\n")
        Self.plant(t, "logs/app.log", "a\n")
        t.write("fine/b.log", "b\n")
        symlink(victim.path, t.child("logs/archive"))
        lchown(t.child("logs/archive"), Self.user, Self.group)
        let extra = createOldDir ? "\n createolddir 0755 root root" : ""
        let conf = t.config("@DIR@/logs/app.log {\n rotate 1\n olddir archive\(extra)\n}\n@DIR@/fine/b.log {\n rotate 1\n}\n")
        let before = Hostile.fingerprint(victim.path)
        let r = Hostile.rotatectl(["run", "--force", "--json", "-s", t.child("state"), conf], seconds: 30)
        #expect(Hostile.fingerprint(victim.path) == before, "the victim directory changed: \(r.stderr)")
        #expect(r.status == 1, "\(r.stderr)")
        let refused = Harness.events(r).filter { $0["kind"] as? String == "error" }
        #expect(refused.count == 1 && refused.first?["code"] as? String == "log-refused", "\(r.stdout)")
        #expect(refused.first?["path"] as? String == t.child("logs/app.log"), "\(r.stdout)")
        #expect(r.stderr.contains(t.child("logs/archive")), "the error names the olddir: \(r.stderr)")
        #expect(t.read("logs/app.log") == "a\n")
        #expect(t.read("fine/b.log.1") == "b\n")
    }

    /// A real olddir in a user's directory keeps working, created or not.
    @Test(arguments: [false, true])
    func olddirInAUserDirectoryStillRotates(createOldDir: Bool) {
        let t = Self.tree("rotatectl-olddir-ok")
        Self.plant(t, "logs/app.log", "a\n")
        if !createOldDir { mkdir(t.child("logs/archive"), 0o755); chown(t.child("logs/archive"), Self.user, Self.group) }
        let extra = createOldDir ? "\n createolddir 0755 nobody nogroup" : ""
        let conf = t.config("@DIR@/logs/app.log {\n rotate 1\n olddir archive\(extra)\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf], seconds: 30)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("logs/archive/app.log.1") == "a\n")
    }

    // MARK: - 14. Long names

    /// Logs whose names leave no room for `.rotatectl-tmp.` (236 to 250 bytes) are compressed under a short
    /// temporary name, and end with the names logrotate gives them.
    @Test(arguments: [236, 240, 245, 249, 250])
    func longNamesAreCompressed(length: Int) {
        let t = TempDirectory("rotatectl-long")
        let name = String(repeating: "n", count: length - 4) + ".log"
        t.write(name, Harness.lines("line", 1...50))
        let conf = t.config("@DIR@/\(name) {\n rotate 2\n compress\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf], seconds: 30)
        #expect(r.status == 0, "\(r.stderr)")
        let gz = t.child(name + ".1.gz")
        #expect(Harness.run(["/usr/bin/gzip", "-t", gz]).status == 0)
        #expect(Harness.contents(gz) == Harness.lines("line", 1...50))
        #expect(t.names().filter { !["test.conf", "state", "state.lock", ".rotatectl.lock", ".rotatectl.reserve"].contains($0) } == [name + ".1.gz"],
                "\(t.names())")
        // logrotate on the same input names it the same.
        let l = TempDirectory("rotatectl-long-lr")
        l.write(name, Harness.lines("line", 1...50))
        let lconf = l.config("@DIR@/\(name) {\n rotate 2\n compress\n}\n")
        _ = Harness.run(["/usr/sbin/logrotate", "-f", "-s", l.child("state"), lconf])
        #expect(l.names().filter { !["test.conf", "state"].contains($0) } == [name + ".1.gz"], "\(l.names())")
    }

    /// A name whose rotated form would not fit (251 bytes: `.1.gz` makes 256): as logrotate, a clear
    /// error and the log left as it is.
    @Test func nameTooLongToRotateIsAClearError() {
        let t = TempDirectory("rotatectl-long")
        let name = String(repeating: "n", count: 247) + ".log"
        t.write(name, "x\n")
        let conf = t.config("@DIR@/\(name) {\n rotate 2\n compress\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf], seconds: 30)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("File name too long"), "\(r.stderr)")
        #expect(t.read(name) == "x\n")
    }
}
