import Foundation
import Testing
import TestSupport

/// The command-line contract of rotatectl(8), exercised on the built binary.
@Suite struct CommandLineTests {
    @Test func versionAndHelp() {
        let v = Harness.rotatectl(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.contains("0.1.0"))
        let h = Harness.rotatectl(["--help"])
        #expect(h.status == 0)
        for sub in ["run", "check", "status", "lock"] { #expect(h.stdout.contains(sub)) }
    }

    /// Every option of every command is in its `--help`, shared ones (`--state`, `--wait`, the
    /// configuration paths) under each command that takes them.
    @Test func everyCommandsHelpListsEveryOption() {
        let options = [
            "run": ["-f, --force", "-n, -d, --dry-run", "-v, --verbose", "-s, --state <state>", "--wait <wait>",
                    "--json", "-j, --jobs <jobs>", "-m, --mail <command>", "-l, --log <file|syslog>", "<configs>"],
            "status": ["--json", "-s, --state <state>", "<configs>"],
            "check": ["<configs>"],
            "lock": ["--wait <wait>", "<directory>", "<command>"],
        ]
        for (command, expected) in options {
            let h = Harness.rotatectl([command, "--help"])
            #expect(h.status == 0)
            for option in expected + ["--version", "-h, --help"] {
                #expect(h.stdout.contains(option), "rotatectl \(command) --help lacks \(option)")
            }
        }
    }

    @Test func sharedOptionsAreValidatedForEveryCommand() {
        for args in [["run", "--wait=-1", "/dev/null"], ["lock", "--wait=-1", "/tmp", "--", "true"]] {
            let r = Harness.rotatectl(args)
            #expect(r.status == 64)
            #expect(r.stderr.contains("--wait must not be negative"), "\(args): \(r.stderr)")
        }
    }

    @Test func usageErrorsExit64() {
        #expect(Harness.rotatectl(["run", "--no-such-option"]).status == 64)
        #expect(Harness.rotatectl(["run", "--jobs", "0", "/dev/null"]).status == 64)
        #expect(Harness.rotatectl(["lock", "/tmp"]).status == 64)
        #expect(Harness.rotatectl(["frobnicate-not-a-file-\(getpid())", "--wait", "x"]).status == 64)
    }

    @Test func runIsTheDefaultAndRotates() {
        let t = TempDirectory()
        t.write("a.log", Harness.lines("a", 1...100))
        let conf = t.config("@DIR@/a.log {\n rotate 2\n}\n")
        let r = Harness.rotatectl(["--force", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("a.log.1") == Harness.lines("a", 1...100))
        #expect(!t.exists("a.log"))
        #expect(r.stdout.contains("rename \(t.child("a.log")) -> \(t.child("a.log.1"))"))
    }

    @Test func dryRunChangesNothingAndTakesNoLock() {
        let t = TempDirectory()
        t.write("a.log", Harness.lines("a", 1...10))
        let conf = t.config("@DIR@/a.log {\n rotate 2\n compress\n create 0640\n}\n")
        let before = t.names()
        let r = Harness.rotatectl(["run", "-n", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.names() == before)
        #expect(!t.exists(".rotatectl.lock"))
        #expect(r.stdout.contains("rename \(t.child("a.log")) -> \(t.child("a.log.1"))"))
        #expect(r.stdout.contains("create \(t.child("a.log")) mode 640"))
        #expect(r.stdout.contains("compress \(t.child("a.log.1")) -> \(t.child("a.log.1.gz"))"))
        let d = Harness.rotatectl(["run", "-d", "--force", "-s", t.child("state"), conf])
        #expect(d.stdout == r.stdout)
    }

    @Test func checkReportsEveryErrorWithLines() {
        let t = TempDirectory()
        let conf = t.config("@DIR@/a.log {\n rotate x\n frobnicate\n compress\n}\n")
        let r = Harness.rotatectl(["check", conf])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(conf):2:9: error: bad rotation count 'x'"))
        #expect(r.stderr.contains("\(conf):3:2: warning: unknown directive 'frobnicate'"))
        let ok = t.config("@DIR@/a.log {\n rotate 3\n}\n", name: "ok.conf")
        let good = Harness.rotatectl(["check", ok])
        #expect(good.status == 0, "\(good.stderr)")
    }

    @Test func missingLogExits1OthersStillRotate() {
        let t = TempDirectory()
        t.write("b.log", "b\n")
        let conf = t.config("@DIR@/missing.log {\n rotate 1\n}\n@DIR@/b.log {\n rotate 1\n}\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 1)
        #expect(r.stderr.contains("missing.log"))
        #expect(t.exists("b.log.1"))
    }

    @Test func busyLockExits3AndChangesNothing() throws {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 1\n}\n")
        let holder = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", t.path, "--",
                                                        "/bin/sh", "-c", "touch \(t.child("held")); sleep 2"]))
        defer { holder.kill(SIGTERM); holder.wait() }
        for _ in 0..<200 where !t.exists("held") { usleep(20_000) }
        let r = Harness.rotatectl(["run", "--force", "--wait", "0", "-s", t.child("state"), conf])
        #expect(r.status == 3)
        #expect(t.exists("a.log") && !t.exists("a.log.1"))
        #expect(r.stderr.contains("lock"))
    }

    @Test func lockExitsWithItsCommandsStatus() {
        let t = TempDirectory()
        #expect(Harness.rotatectl(["lock", t.path, "--", "/bin/sh", "-c", "exit 7"]).status == 7)
        #expect(Harness.rotatectl(["lock", t.path, "--", "/bin/true"]).status == 0)
    }

    @Test func nestedRunFailsAtOnce() {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 1\n}\n")
        let start = Date()
        let r = Harness.rotatectl(["lock", t.path, "--", PackagePaths.rotatectl, "run", "--force", "--wait", "30",
                                   "-s", t.child("state"), conf])
        #expect(r.status == 3)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(r.stderr.contains("already locked"))
    }

    @Test func jsonReportParses() throws {
        let t = TempDirectory()
        t.write("a.log", Harness.lines("a", 1...1000))
        let conf = t.config("@DIR@/a.log {\n rotate 2\n compress\n}\n")
        let r = Harness.rotatectl(["run", "--json", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["schema"] as? Int == 1)
        #expect(doc["exit_status"] as? Int == 0)
        let events = try #require(doc["events"] as? [[String: Any]])
        let compress = try #require(events.first { $0["action"] as? String == "compress" })
        #expect(compress["bytes_before"] as? Int == Harness.lines("a", 1...1000).utf8.count)
        #expect((compress["bytes_after"] as? Int ?? 0) > 0)
    }

    @Test func aScriptPastItsTimeLimitIsKilledAndReported() {
        let t = TempDirectory()
        t.write("a.log", "a\n")
        let conf = t.config("@DIR@/a.log {\n rotate 1\n scripttimeout 1\n prerotate\n  sleep 30\n endscript\n}\n")
        let start = Date()
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(r.status == 1)
        #expect(r.stderr.contains("killed after its 1 s limit"))
        #expect(t.exists("a.log") && !t.exists("a.log.1"))
    }

    @Test func stoppingTheLockHolderStopsItsCommand() throws {
        let t = TempDirectory()
        let holder = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", t.path, "--",
                                                        "/bin/sh", "-c", "echo $$ > \(t.child("child")); exec sleep 30"]))
        for _ in 0..<200 where (t.read("child") ?? "").isEmpty { usleep(20_000) }
        let child = try #require(Int32((t.read("child") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(child, 0) == 0)
        let start = Date()
        holder.kill(SIGTERM)   // as systemd or kill would send
        let ended = holder.termination()
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(ended == .exited(143))
        usleep(100_000)
        #expect(kill(child, 0) != 0, "the command outlived the lock holder")
        // The lock is free again.
        #expect(Harness.rotatectl(["lock", "--wait", "0", t.path, "--", "/bin/true"]).status == 0)
    }

    @Test func shredOverwritesWhatItRemoves() throws {
        let t = TempDirectory()
        let secret = Harness.lines("secret", 1...200)
        t.write("logs/a.log", "new\n")
        t.write("logs/a.log.1", secret)
        mkdir(t.child("outside"), 0o755)
        // A second name for the generation that rotate 1 drops: after the run it shows what shred did.
        #expect(link(t.child("logs/a.log.1"), t.child("outside/witness")) == 0)
        let conf = t.config("@DIR@/logs/a.log {\n rotate 1\n shred\n shredcycles 1\n allowhardlink\n}\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("logs/a.log.1") == "new\n")
        #expect(!t.exists("logs/a.log.2"))
        let witness = try #require(FileManager.default.contents(atPath: t.child("outside/witness")))
        #expect(witness.count >= secret.utf8.count)
        #expect(!String(decoding: witness, as: UTF8.self).contains("secret"))

        // Without allowhardlink, a generation with another name is not shredded, and is kept.
        let u = TempDirectory()
        u.write("logs/a.log", "new\n")
        u.write("logs/a.log.1", secret)
        mkdir(u.child("outside"), 0o755)
        #expect(link(u.child("logs/a.log.1"), u.child("outside/witness")) == 0)
        let conf2 = u.config("@DIR@/logs/a.log {\n rotate 1\n shred\n}\n")
        let r2 = Harness.rotatectl(["run", "--force", "-s", u.child("state"), conf2])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("hard links"))
        #expect(u.read("outside/witness") == secret)
    }
}
