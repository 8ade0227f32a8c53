import Foundation
import Testing
import TestSupport

/// rotatectl started as `logrotate` (a symbolic link of that name): logrotate 3.21's command line, its
/// silence, its `error: `/`warning: ` lines and its exit statuses, judged on the built binary and,
/// where the two can be compared, against the real `/usr/sbin/logrotate` on twin trees.
@Suite(.serialized) struct LogrotatePersonalityTests {
    /// A temporary directory holding `bin/logrotate` (the link) and `logs/`.
    final class Twin {
        let dir = TempDirectory("rotatectl-lrname")
        var link: String { dir.child("bin/logrotate") }
        var logs: String { dir.child("logs") }

        init() {
            mkdir(dir.child("bin"), 0o755)
            mkdir(dir.child("logs"), 0o755)
            symlink(PackagePaths.rotatectl, dir.child("bin/logrotate"))
        }

        /// `logs/NAME` with `text`.
        func log(_ name: String, _ text: String) { _ = TestFile.write(Array(text.utf8), to: logs + "/" + name, mode: 0o644) }

        /// A configuration file, `@DIR@` the logs directory.
        func config(_ text: String) -> String { dir.config(text, name: "test.conf") }

        var state: String { dir.child("state") }

        /// The names in `logs/`, rotatectl's own lock files left out.
        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).filter { !$0.hasPrefix(".rotatectl") }.sorted() }

        func run(_ args: [String], cwd: String? = nil) -> ProcessResult { Harness.run([link] + args, cwd: cwd) }
    }

    static let logrotate = Differential.logrotate

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    // MARK: - logrotate's texts and bad arguments

    @Test func usageHelpAndNoConfigurationAreLogrotates() {
        let t = Twin()
        for args in [["--usage"], ["-?"], ["--help"], ["-v?"], ["-?", "--bogus"], []] {
            let ours = t.run(args), theirs = Harness.run([Self.logrotate] + args)
            #expect(ours.status == theirs.status, "\(args)")
            #expect(ours.stdout == theirs.stdout, "\(args)")
            #expect(ours.stderr == theirs.stderr, "\(args)")
        }
    }

    @Test func versionHasLogrotatesShape() {
        let t = Twin()
        let ours = t.run(["--version"]), theirs = Harness.run([Self.logrotate, "--version"])
        #expect(ours.status == 0 && theirs.status == 0)
        #expect(ours.stderr.isEmpty)
        let oursLines = ours.stdout.split(separator: "\n"), theirsLines = theirs.stdout.split(separator: "\n")
        // `logrotate --version | awk '{print $2}'` still reads 3.21.0.
        #expect(oursLines.first?.split(separator: " ").prefix(2) == theirsLines.first?.split(separator: " ").prefix(2))
        #expect(ours.stdout.contains("rotatectl"))
        func keys(_ lines: [Substring]) -> [String] { lines.dropFirst().map { String($0.prefix { $0 != ":" }) } }
        #expect(keys(oursLines) == keys(theirsLines))
        #expect(ours.stdout.contains("Default state file path:    /var/lib/logrotate/status"))
        #expect(ours.stdout.contains("Default mail command:       /usr/bin/mail"))
        // --version acts where it stands: a later bad argument is not reached, an earlier one is.
        #expect(t.run(["--version", "--bogus"]).status == 0)
        #expect(t.run(["--bogus", "--version"]).status == 2)
    }

    /// popt's grammar: a bad argument (unknown, a value given to a flag, a value missing, rotatectl's own
    /// options) exits 2 with popt's line, exactly as logrotate.
    @Test func badArgumentsAndRotatectlsOwnOptionsAreRefusedAsLogrotateRefusesThem() {
        let t = Twin()
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n")
        let cases: [[String]] = [
            ["--bogus"], ["-vx"], ["-s"], ["--state"], ["--mail"], ["-l"], ["--debug=3"], ["--skip-state-lock=1"],
            ["--verb", conf], ["-h"], ["-V"], ["---v"], ["-v-"], ["-f-v"], ["--help=x"], ["--usage=x"],
            ["--json", conf], ["--dry-run", conf], ["-n", conf], ["--wait", "2", conf], ["-j", "2", conf],
            ["--jobs=2", conf], ["--version=1"],
        ]
        for args in cases {
            let ours = t.run(args), theirs = Harness.run([Self.logrotate] + args)
            #expect(ours.status == 2 && theirs.status == 2, "\(args): \(ours.status) \(theirs.status)")
            #expect(ours.stderr == theirs.stderr, "\(args)")
            #expect(ours.stdout.isEmpty)
        }
        #expect(t.names.isEmpty && !Self.exists(t.state))
    }

    /// rotatectl's commands are no commands under that name: `run`, `check`, `status` and `lock` are
    /// configuration paths, which do not exist (exit 1 and an `error: ` line, as logrotate's).
    @Test func rotatectlsCommandsAreConfigurationPaths() {
        let t = Twin()
        for command in ["run", "check", "status", "lock"] {
            let ours = t.run(["-s", t.state, command], cwd: t.logs)
            let theirs = Harness.run([Self.logrotate, "-s", t.dir.child("lrstate"), command], cwd: t.logs)
            #expect(ours.status == 1 && theirs.status == 1)
            #expect(ours.stderr.hasPrefix("error: ") && ours.stderr.contains(command), "\(ours.stderr)")
            #expect(ours.stdout.isEmpty)
        }
    }

    // MARK: - Every flag, in every form popt takes, against logrotate

    /// Each command line through logrotate and through the link, on twin trees: same files, same status,
    /// same silence. `@S@` is the state file, `@C@` the configuration, `@L@` a log file.
    @Test(arguments: [
        "-s @S@ @C@", "-s@S@ @C@", "-s=@S@ @C@", "--state=@S@ @C@", "--state @S@ @C@", "@C@ -s @S@",
        "-f -s @S@ @C@", "-fs @S@ @C@", "-fs@S@ @C@", "--force --state @S@ @C@", "-s @S@ -- @C@", "-f -s @S@ @C@ @C@",
        "-f -m /bin/true -s @S@ @C@", "-f -m/bin/true -s @S@ @C@", "-f --mail=/bin/true -s @S@ @C@", "-f --mail /bin/true -s @S@ @C@",
        "-f --skip-state-lock -s @S@ @C@", "-f --wait-for-state-lock -s @S@ @C@",
        "-f -l @L@ -s @S@ @C@", "-f --log=@L@ -s @S@ @C@", "-f -l syslog -s @S@ @C@",
        "-df -s @S@ @C@", "-d -s @S@ @C@", "--debug --force -s @S@ @C@",
        "-vf -s @S@ @C@", "-v -s @S@ @C@", "-vfs @S@ @C@", "--verbose -f -s @S@ @C@",
        "-f -s @S@ /no/such.conf", "-f -s @S@ @C@ /no/such.conf",
    ])
    func sameAsLogrotate(_ line: String) throws {
        let lr = Twin(), rc = Twin()
        for t in [lr, rc] {
            t.log("a.log", "a\n")
            t.log("b.log", "b\n")
            _ = t.config("@DIR@/logs/a.log {\n rotate 2\n}\n@DIR@/logs/b.log {\n rotate 2\n compress\n daily\n}\n")
        }
        func argv(_ t: Twin) -> [String] {
            line.split(separator: " ").map {
                $0.replacingOccurrences(of: "@S@", with: t.state).replacingOccurrences(of: "@C@", with: t.dir.child("test.conf"))
                    .replacingOccurrences(of: "@L@", with: t.dir.child("runlog"))
            }
        }
        let theirs = Harness.run([Self.logrotate] + argv(lr)), ours = rc.run(argv(rc))
        #expect(ours.status == theirs.status, "\(line): logrotate \(theirs.status) \(theirs.stderr)\n rotatectl \(ours.status) \(ours.stderr)")
        #expect(rc.names == lr.names, "\(line)")
        for name in rc.names { #expect(Harness.contents(rc.logs + "/" + name) == Harness.contents(lr.logs + "/" + name), "\(line): \(name)") }
        // logrotate writes a stub state file even when a configuration cannot be read; rotatectl does not.
        if !line.contains("/no/such.conf") { #expect(Self.exists(rc.state) == Self.exists(lr.state), "\(line): state file") }
        #expect(ours.stdout.isEmpty && theirs.stdout.isEmpty)
        // Silent unless -v or -d; errors and warnings are `error: `/`warning: ` lines.
        #expect(ours.stderr.isEmpty == theirs.stderr.isEmpty, "\(line)\n logrotate: \(theirs.stderr)\n rotatectl: \(ours.stderr)")
        let tracing = line.contains("-v") || line.contains("-d") || line.hasPrefix("--verbose") || line.contains("--debug")
        if !tracing {
            for l in ours.stderr.split(separator: "\n") {
                #expect(l.hasPrefix("error: ") || l.hasPrefix("warning: "), "\(line): \(l)")
            }
        }
        if line.contains("@L@") || line.contains("--log=") {
            #expect(Self.exists(rc.dir.child("runlog")) && Self.exists(lr.dir.child("runlog")))
        }
    }

    // MARK: - Silence, prefixes, exit statuses

    /// The scenarios of `DifferentialTests` through the link: the same files and exit statuses as
    /// logrotate's, nothing on standard output, standard error empty when logrotate's is.
    @Test(arguments: DifferentialScenarios.triggers + DifferentialScenarios.creation + DifferentialScenarios.scripts
          + DifferentialScenarios.files)
    func scenariosThroughTheLink(_ s: DiffScenario) throws {
        guard s.deliberate == nil else { return }
        let scratch = TempDirectory("rotatectl-lrname"), root = scratch.path
        defer { scratch.remove() }
        let lr = try Differential.run(s, root: root + "/lr", tool: .logrotate)
        let rc = try Differential.run(s, root: root + "/rc", tool: .logrotateName)
        Differential.compare(lr, rc)
        #expect(lr.statuses == rc.statuses, "\(s.name): logrotate \(lr.statuses) rotatectl \(rc.statuses)\n \(rc.stderr)")
        for (l, r) in zip(lr.stdout, rc.stdout) { #expect(r.isEmpty || r == l, "\(s.name): \(r)") }
        for (l, r) in zip(lr.stderr, rc.stderr) {
            // Two lines of logrotate's have no counterpart (rotatectl(8), THE LOGROTATE NAME): its warning
            // about its own lock on a world-readable state file (rotatectl locks STATE.lock, mode 0600),
            // and its "error" (exit 0) about a date in the future (rotatectl rotates, silently).
            let lrLines = l.split(separator: "\n").filter {
                !$0.contains("is world-readable and thus can be locked") && !$0.contains("last rotated in the future")
            }
            #expect(lrLines.isEmpty == r.isEmpty, "\(s.name)\n logrotate: \(l)\n rotatectl: \(r)")
            for line in r.split(separator: "\n") where !l.contains(line) {
                #expect(line.hasPrefix("error: ") || line.hasPrefix("warning: "), "\(s.name): \(line)")
            }
        }
    }

    @Test func errorsAndWarningsArePrefixedAndSetTheStatus() {
        let t = Twin()
        t.log("a.log", "a\n")
        // A damaged state line is a warning; a missing log without missingok an error (exit 1).
        _ = TestFile.write(Array("logrotate state -- version 2\n\"\(t.logs)/a.log\" not-a-date\n".utf8), to: t.state, mode: 0o644)
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n@DIR@/logs/missing.log {\n rotate 1\n}\n")
        let r = t.run(["-f", "-s", t.state, conf])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("warning: ") }, "\(r.stderr)")
        #expect(lines.contains { $0.hasPrefix("error: ") && $0.contains("missing.log") }, "\(r.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("error: ") || $0.hasPrefix("warning: ") }, "\(r.stderr)")
        #expect(t.names == ["a.log.1"])
        // A configuration error is 1 under this name (2 for rotatectl run).
        let bad = t.config("@DIR@/logs/a.log {\n rotate x\n}\n")
        let c = t.run(["-s", t.state, bad])
        #expect(c.status == 1)
        #expect(c.stderr.hasPrefix("error: "), "\(c.stderr)")
    }

    /// apertium-apy's, autolog's and nine other Debian configs set `size` and `daily` in one block: logrotate
    /// notes the override only in its trace (-d, -v); a plain run prints nothing, as logrotate does.
    @Test func anOverriddenSchedulingDirectiveIsANoteNotAWarning() {
        let t = Twin()
        t.log("a.log", "a\n")
        t.log("b.log", "b\n")
        let conf = t.config("@DIR@/logs/a.log {\n daily\n size 1\n rotate 1\n}\n")
        let traced = t.run(["-d", "-s", t.state, conf])
        #expect(traced.stderr.contains("\(conf):3:2: note: 'size' overrides previously specified 'daily'"), "\(traced.stderr)")
        #expect(!traced.stderr.contains("warning: \(conf)"), "\(traced.stderr)")
        let plain = t.run(["-f", "-s", t.state, conf])
        #expect(plain.status == 0 && plain.stderr.isEmpty && plain.stdout.isEmpty, "\(plain.stderr)")
        let theirs = Harness.run([Self.logrotate, "-f", "-s", t.dir.child("lr-state"),
                                  t.dir.config("@DIR@/logs/b.log {\n daily\n size 1\n rotate 1\n}\n", name: "b.conf")])
        #expect(theirs.status == 0 && theirs.stderr.isEmpty, "\(theirs.stderr)")
    }

    /// A run started while another holds the logs' lock (here `rotatectl lock`, whose child may not wait
    /// for it) exits 3, as logrotate does when another run holds its state file.
    @Test func aLockAnotherRunHoldsExits3() {
        let t = Twin()
        t.log("a.log", "a\n")
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n")
        let r = Harness.rotatectl(["lock", t.logs, "--", t.link, "-f", "-s", t.state, conf])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: "), "\(r.stderr)")
        #expect(t.names == ["a.log"])
    }

    // MARK: - -d, -v, -l

    @Test func debugChangesNothingAndTracesEveryStep() {
        let t = Twin()
        t.log("a.log", "a\n")
        t.log("a.log.1.gz", "old")
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n compress\n create 0640\n postrotate\n  true\n endscript\n}\n")
        let before = t.dir.names()
        let r = t.run(["-d", "-f", "-s", t.state, conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.dir.names() == before)
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("warning: logrotate in debug mode does nothing") == true)
        for expected in ["reading config file \(conf)", "\(t.logs)/a.log: forced", "rename \(t.logs)/a.log -> \(t.logs)/a.log.1",
                         "create \(t.logs)/a.log mode 640", "postrotate", "compress \(t.logs)/a.log.1 -> \(t.logs)/a.log.1.gz"] {
            #expect(lines.contains { $0.contains(expected) }, "no \(expected) in \(r.stderr)")
        }
    }

    @Test func verboseTracesTheRunOnStandardError() {
        let t = Twin()
        t.log("a.log", "a\n")
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n")
        let r = t.run(["-v", "-f", "-s", t.state, conf])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("reading config file \(conf)"))
        #expect(r.stderr.contains("rename \(t.logs)/a.log -> \(t.logs)/a.log.1"))
        #expect(t.names == ["a.log.1"])
        t.log("a.log", "b\n")
        let quiet = t.run(["-s", t.state, conf])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty)
    }

    @Test func logFileGetsTheVerboseLogAndIsTruncatedEachRun() {
        let t = Twin()
        t.log("a.log", "a\n")
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n@DIR@/logs/missing.log {\n rotate 1\n}\n")
        let log = t.dir.child("run.log")
        _ = TestFile.write(Array("stale line\n".utf8), to: log, mode: 0o644)
        let r = t.run(["-f", "-l", log, "-s", t.state, conf])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(!r.stderr.contains("rename"), "the trace is not printed without -v")
        let text = Harness.contents(log)
        #expect(!text.contains("stale line"))
        #expect(text.contains("reading config file \(conf)"))
        #expect(text.contains("rename \(t.logs)/a.log -> \(t.logs)/a.log.1"))
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("error: ") && $0.contains("missing.log") }, "\(text)")
        // A log that cannot be opened is an error line; the run goes on (as logrotate's, status 0).
        t.log("a.log", "again\n")
        let conf2 = t.config("@DIR@/logs/a.log {\n rotate 1\n}\n")
        let bad = t.run(["-f", "-l", t.dir.child("no/such/dir/log"), "-s", t.state, conf2])
        #expect(bad.status == 0)
        #expect(bad.stderr.hasPrefix("error: error opening log file "), "\(bad.stderr)")
        #expect(Harness.contents(t.logs + "/a.log.1") == "again\n")
        // -l syslog: silent, and the run goes on.
        t.log("a.log", "third\n")
        let sys = t.run(["-f", "-l", "syslog", "-s", t.state, conf2])
        #expect(sys.status == 0 && sys.stderr.isEmpty && sys.stdout.isEmpty)
    }

    // MARK: - rotatectl run's own contract, and its new options

    @Test func runGainsMailAndLogOptions() {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 1\n}\n")
        let log = t.child("run.log")
        let r = Harness.rotatectl(["run", "-f", "-v", "-m", "/bin/true", "-l", log, "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("rename \(t.child("a.log")) -> \(t.child("a.log.1"))"))
        #expect(Harness.contents(log).contains("rename \(t.child("a.log")) -> \(t.child("a.log.1"))"))
        #expect(Harness.contents(log).contains("forced"), "decisions are in the log without -v")
        t.write("a.log", "b\n")
        let long = Harness.rotatectl(["run", "--force", "--mail=/bin/true", "--log=syslog", "-s", t.child("state"), conf])
        #expect(long.status == 0, "\(long.stderr)")
        #expect(Harness.rotatectl(["run", "--mail"]).status == 64)
    }

    @Test func runWithoutAConfigurationSaysWhatToDo() throws {
        try #require(!Self.exists("/etc/rotatectl.conf"), "this machine has /etc/rotatectl.conf")
        let t = TempDirectory()
        let r = Harness.rotatectl(["run", "-s", t.child("state")])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/etc/rotatectl.conf"))
        #expect(r.stderr.contains("/etc/logrotate.conf"))
        #expect(r.stderr.contains("MIGRATING.md"))
        #expect(!Self.exists(t.child("state")))
    }
}
