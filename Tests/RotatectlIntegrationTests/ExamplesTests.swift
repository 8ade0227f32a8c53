import Foundation
import Testing
import TestSupport

/// The example configuration files shipped in examples/, for tests that parse them with the real
/// parser. Paths are relative to the package root; `ExampleConfigs.path(_:)` makes them absolute.
enum ExampleConfigs {
    /// Ready-to-parse configurations (rotatectl.conf includes rotatectl.d relative to itself).
    static let all: [String] = [
        "examples/configs/rotatectl.conf",
        "examples/configs/rotatectl.d/nginx",
        "examples/configs/rotatectl.d/app-with-pidfile",
        "examples/configs/rotatectl.d/copytruncate-app",
    ]
    /// scripts/demo.sh's configuration: `@DEMO_DIR@` must be replaced by a directory first.
    static let demoTemplate = "examples/sample/demo.conf"
    static let demoPlaceholder = "@DEMO_DIR@"

    static func path(_ relative: String) -> String { PackagePaths.root + "/" + relative }
}

/// Listing trees and probing the built binary.
enum ExamplesSupport {
    /// Every path below `dir`, relative to it, sorted; directories end in "/".
    static func tree(_ dir: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return [] }
        var paths: [String] = []
        while let rel = walker.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir)
            paths.append(isDir.boolValue ? rel + "/" : rel)
        }
        return paths.sorted()
    }

    /// Whether the binary is the full command line (with subcommands), not the package skeleton's
    /// placeholder that only prints its name.
    static var binaryHasCommandLine: Bool {
        SpawnedProcess.capture([PackagePaths.rotatectl, "--help"]).stdout.contains("SUBCOMMANDS")
    }
}

@Suite(.serialized) struct ExamplesTests {
    let root = PackagePaths.root
    static let units = ["rotatectl.service", "rotatectl.timer", "rotatectl-hourly.timer", "rotatectl-watch.service"]

    /// `systemd-analyze verify` on copies of the units whose ExecStart names the built binary; clean
    /// means exit status 0 and not one line of output.
    func verify(_ dir: String) -> ProcessResult {
        SpawnedProcess.capture(["/usr/bin/systemd-analyze", "verify", "--man=no"] + Self.units.map { dir + "/" + $0 })
    }

    func copyUnits(to dir: String, execStart binary: String) throws {
        for name in Self.units {
            let text = (TestFile.text(root + "/examples/systemd/" + name) ?? "")
                .replacingOccurrences(of: "/usr/local/sbin/rotatectl", with: binary)
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    @Test func systemdUnitsPassVerify() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), dir = scratch.path
        defer { scratch.remove() }
        #expect(FileManager.default.isExecutableFile(atPath: PackagePaths.rotatectl))
        try copyUnits(to: dir, execStart: PackagePaths.rotatectl)
        let result = verify(dir)
        #expect(result.status == 0)
        #expect(result.stdout + result.stderr == "")
    }

    @Test func verifyReallyCatchesMistakes() throws {
        // The same check on a unit with a misspelt key and a missing binary must complain, or the
        // test above proves nothing.
        let scratch = TempDirectory("rotatectl-examples-test"), dir = scratch.path
        defer { scratch.remove() }
        try copyUnits(to: dir, execStart: dir + "/no-such-rotatectl")
        let service = dir + "/rotatectl.service"
        try ((TestFile.text(service) ?? "") + "Nicenes=19\n").write(toFile: service, atomically: true, encoding: .utf8)
        let result = verify(dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Nicenes"))
        #expect(result.stderr.contains("no-such-rotatectl"))
    }

    @Test func unitsCarryTheOperationalSettings() {
        let service = TestFile.text(root + "/examples/systemd/rotatectl.service") ?? ""
        for line in ["Type=oneshot", "ExecStart=/usr/local/sbin/rotatectl run -v /etc/rotatectl.conf", "Nice=19",
                     "IOSchedulingClass=idle", "CPUSchedulingPolicy=batch", "ProtectSystem=full",
                     "PrivateTmp=true", "ProtectKernelTunables=true", "StateDirectory=rotatectl", "SuccessExitStatus=3"] {
            #expect(service.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
        // Logs under /srv, /opt, /home and /var/lib/docker rotate: nothing but /usr, /boot and /etc is read-only.
        for key in ["ProtectHome=", "ReadWritePaths=", "ReadOnlyPaths=", "InaccessiblePaths=", "ProtectSystem=strict"] {
            #expect(!service.split(separator: "\n").contains { $0.hasPrefix(key) }, "\(key)")
        }
        let watch = (TestFile.text(root + "/examples/systemd/rotatectl-watch.service") ?? "").split(separator: "\n")
        for line in ["Type=notify", "ExecStart=/usr/local/sbin/rotatectl watch /etc/rotatectl.conf", "ExecReload=/bin/kill -HUP $MAINPID",
                     "WatchdogSec=60", "RestartPreventExitStatus=2", "ProtectSystem=full", "StateDirectory=rotatectl"] {
            #expect(watch.contains(Substring(line)), "\(line)")
        }
        for key in ["ProtectHome=", "ReadWritePaths=", "ReadOnlyPaths=", "InaccessiblePaths=", "ProtectSystem=strict"] {
            #expect(!watch.contains { $0.hasPrefix(key) }, "rotatectl-watch.service: \(key)")
        }
        for (name, calendar) in [("rotatectl.timer", "OnCalendar=daily"), ("rotatectl-hourly.timer", "OnCalendar=hourly")] {
            let timer = (TestFile.text(root + "/examples/systemd/" + name) ?? "").split(separator: "\n")
            #expect(timer.contains(Substring(calendar)))
            #expect(timer.contains("Persistent=true"))
            #expect(timer.contains { $0.hasPrefix("RandomizedDelaySec=") })
            #expect(timer.contains("Unit=rotatectl.service"))
            #expect(timer.contains("WantedBy=timers.target"))
        }
    }

    @Test func shellScriptsParseAndAreExecutable() throws {
        for script in ["scripts/install.sh", "scripts/demo.sh", "examples/cron/rotatectl"] {
            let path = root + "/" + script
            #expect(FileManager.default.isExecutableFile(atPath: path), "\(script)")
            let result = SpawnedProcess.capture(["/bin/sh", "-n", path])
            #expect(result.status == 0, "\(script): \(result.stderr)")
        }
        let cron = TestFile.text(root + "/examples/cron/rotatectl.cron.d") ?? ""
        #expect(cron.contains("root   [ -x /usr/local/sbin/rotatectl ] && nice -n 19 /usr/local/sbin/rotatectl run /etc/rotatectl.conf"))
    }

    @Test func exampleConfigsExist() {
        for config in ExampleConfigs.all + [ExampleConfigs.demoTemplate] {
            #expect(FileManager.default.fileExists(atPath: ExampleConfigs.path(config)), "\(config)")
        }
        #expect((TestFile.text(ExampleConfigs.path(ExampleConfigs.demoTemplate)) ?? "").contains(ExampleConfigs.demoPlaceholder))
    }

    /// What a default install into `prefix` must leave, relative to it.
    func expectedInstall(completions: Bool) -> [String] {
        var files = [
            "sbin/rotatectl",
            "lib/systemd/system/rotatectl.service", "lib/systemd/system/rotatectl.timer",
            "lib/systemd/system/rotatectl-hourly.timer", "lib/systemd/system/rotatectl-watch.service",
            "share/doc/rotatectl/MIGRATING.md",
            "share/doc/rotatectl/examples/rotatectl.conf",
            "share/doc/rotatectl/examples/rotatectl.d/nginx",
            "share/doc/rotatectl/examples/rotatectl.d/app-with-pidfile",
            "share/doc/rotatectl/examples/rotatectl.d/copytruncate-app",
            "share/doc/rotatectl/examples/systemd/rotatectl-strict.conf",
            "share/doc/rotatectl/examples/cron.daily/rotatectl",
            "share/doc/rotatectl/examples/cron.d/rotatectl",
            "share/rotatectl/install-manifest", "share/rotatectl/install-manifest.dirs",
        ]
        for page in ["rotatectl.8", "rotatectl.conf.5"] where FileManager.default.fileExists(atPath: root + "/man/" + page) {
            files.append("share/man/man\(page.suffix(1))/\(page)")
        }
        if completions {
            files += ["share/bash-completion/completions/rotatectl", "share/zsh/site-functions/_rotatectl",
                      "share/fish/vendor_completions.d/rotatectl.fish"]
        }
        return files.sorted()
    }

    func completionsSupported() -> Bool {
        SpawnedProcess.capture([PackagePaths.rotatectl, "--generate-completion-script", "bash"]).status == 0
    }

    /// install.sh with the debug build, which needs the toolchain's libraries (allowed for the tests only).
    func install(_ arguments: [String]) -> ProcessResult {
        SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--binary", PackagePaths.rotatectl] + arguments,
                               environment: ["ROTATECTL_INSTALL_ALLOW_TOOLCHAIN": "1"])
    }

    @Test func installRefusesABinaryThatNeedsTheToolchain() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), prefix = scratch.path
        defer { scratch.remove() }
        // The debug build links libswiftCore.so from the toolchain through its RUNPATH.
        #expect(SpawnedProcess.capture(["/usr/bin/ldd", PackagePaths.rotatectl]).stdout.contains("libswiftCore.so"))
        let refused = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--binary", PackagePaths.rotatectl,
                                              "--prefix", prefix], removing: ["ROTATECTL_INSTALL_ALLOW_TOOLCHAIN"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("libswiftCore.so"))
        #expect(refused.stderr.contains("swift build -c release --static-swift-stdlib --product rotatectl"))
        #expect(ExamplesSupport.tree(prefix) == [])
        // A binary without them passes the check: a system program, linked to libc only.
        let plain = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--binary", "/bin/true",
                                            "--prefix", prefix, "--no-systemd"], removing: ["ROTATECTL_INSTALL_ALLOW_TOOLCHAIN"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(FileManager.default.contentsEqual(atPath: prefix + "/sbin/rotatectl", andPath: "/bin/true"))
    }

    /// The strict drop-in applied over the service still verifies clean, and is what makes it strict.
    @Test func strictDropInVerifies() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), dir = scratch.path
        defer { scratch.remove() }
        try copyUnits(to: dir, execStart: PackagePaths.rotatectl)
        try FileManager.default.createDirectory(atPath: dir + "/rotatectl.service.d", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: root + "/examples/systemd/rotatectl-strict.conf",
                                         toPath: dir + "/rotatectl.service.d/strict.conf")
        let result = verify(dir)
        #expect(result.status == 0)
        #expect(result.stdout + result.stderr == "")
        let dropIn = (TestFile.text(root + "/examples/systemd/rotatectl-strict.conf") ?? "").split(separator: "\n")
        #expect(dropIn.contains("ProtectSystem=strict"))
        #expect(dropIn.contains("ProtectHome=read-only"))
        #expect(dropIn.contains("ReadWritePaths=/var/log /var/lib/rotatectl -/var/lib/logrotate"))
    }

    /// No sandbox setting of rotatectl.service is stricter than Debian's logrotate.service: each one it
    /// sets, logrotate.service sets to the same value.
    @Test func sandboxIsNoStricterThanDebiansLogrotate() throws {
        let debian = "/lib/systemd/system/logrotate.service"
        guard let theirs = TestFile.text(debian) else {
            Issue.record("\(debian) missing: scripts/setup.sh installs logrotate")
            return
        }
        let sandbox = ["Protect", "Private", "Restrict", "ReadWrite", "ReadOnly", "Inaccessible", "NoNewPrivileges",
                       "LockPersonality", "MemoryDenyWriteExecute", "SystemCall", "Capability"]
        let ours = (TestFile.text(root + "/examples/systemd/rotatectl.service") ?? "").split(separator: "\n")
            .filter { line in sandbox.contains { line.hasPrefix($0) } }
        #expect(ours.count >= 10)
        let lines = Set(theirs.split(separator: "\n"))
        for line in ours { #expect(lines.contains(line), "\(line) is not in \(debian)") }
    }

    @Test func installThenUninstallLeavesExactlyWhatWasThere() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), prefix = scratch.path
        defer { scratch.remove() }
        // Someone else's file in a directory the install also uses.
        try FileManager.default.createDirectory(atPath: prefix + "/sbin", withIntermediateDirectories: false)
        try "#!/bin/sh\n".write(toFile: prefix + "/sbin/other-tool", atomically: true, encoding: .utf8)

        let installed = install(["--prefix", prefix])
        #expect(installed.status == 0, "\(installed.stderr)")
        let files = ExamplesSupport.tree(prefix).filter { !$0.hasSuffix("/") }
        #expect(files == (expectedInstall(completions: completionsSupported()) + ["sbin/other-tool"]).sorted())
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/sbin/rotatectl"))
        #expect(FileManager.default.contentsEqual(atPath: prefix + "/sbin/rotatectl", andPath: PackagePaths.rotatectl))

        // The installed service runs the installed binary, and the installed units verify clean.
        let service = TestFile.text(prefix + "/lib/systemd/system/rotatectl.service") ?? ""
        #expect(service.contains("\nExecStart=\(prefix)/sbin/rotatectl run -v /etc/rotatectl.conf\n"))
        let verified = verify(prefix + "/lib/systemd/system")
        #expect(verified.status == 0)
        #expect(verified.stdout + verified.stderr == "")

        // Installing again over it changes nothing in the result.
        let again = install(["--prefix", prefix])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(ExamplesSupport.tree(prefix).filter { !$0.hasSuffix("/") } == files)

        let removed = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--uninstall", "--prefix", prefix])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stderr == "")
        #expect(ExamplesSupport.tree(prefix) == ["sbin/", "sbin/other-tool"])
    }

    @Test func uninstallKeepsAFileEditedSinceInstall() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), prefix = scratch.path
        defer { scratch.remove() }
        #expect(install(["--prefix", prefix, "--no-systemd"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: prefix + "/lib/systemd"))
        let edited = prefix + "/share/doc/rotatectl/examples/rotatectl.conf"
        try "# mine now\n".write(toFile: edited, atomically: true, encoding: .utf8)
        let removed = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--uninstall", "--prefix", prefix])
        #expect(removed.status == 0)
        #expect(removed.stderr.contains("\(edited) changed since it was installed; kept"))
        #expect(ExamplesSupport.tree(prefix) == ["share/", "share/doc/", "share/doc/rotatectl/",
                                                 "share/doc/rotatectl/examples/", "share/doc/rotatectl/examples/rotatectl.conf"])
    }

    @Test func destdirStagesWithoutLeakingIntoThePaths() throws {
        let scratch = TempDirectory("rotatectl-examples-test"), stage = scratch.path
        defer { scratch.remove() }
        let result = install(["--destdir", stage + "/root", "--prefix", "/usr"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: stage + "/root/usr/sbin/rotatectl"))
        let service = TestFile.text(stage + "/root/usr/lib/systemd/system/rotatectl.service") ?? ""
        #expect(service.contains("\nExecStart=/usr/sbin/rotatectl run -v /etc/rotatectl.conf\n"))
        let manifest = TestFile.text(stage + "/root/usr/share/rotatectl/install-manifest") ?? ""
        #expect(manifest.contains(" /usr/sbin/rotatectl\n"))
        #expect(!manifest.contains(stage))
        let removed = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--uninstall",
                                                          "--destdir", stage + "/root", "--prefix", "/usr"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(ExamplesSupport.tree(stage) == ["root/"])
    }

    @Test func installRefusesBadArguments() throws {
        #expect(install(["--prefix", "relative/dir"]).status != 0)
        #expect(install(["--bogus"]).stderr.contains("unknown argument '--bogus'"))
        let scratch = TempDirectory("rotatectl-examples-test"), none = scratch.path
        defer { scratch.remove() }
        let result = SpawnedProcess.capture(["/bin/sh", root + "/scripts/install.sh", "--uninstall", "--prefix", none])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nothing to uninstall"))
    }

    @Test func demoRotatesTheSampleLogs() throws {
        guard ExamplesSupport.binaryHasCommandLine else {
            // The package skeleton's placeholder binary: nothing to demonstrate yet.
            #expect(SpawnedProcess.capture([PackagePaths.rotatectl]).stdout == "rotatectl\n")
            return
        }
        let scratch = TempDirectory("rotatectl-examples-test"), tmp = scratch.path
        defer { scratch.remove() }
        let result = SpawnedProcess.capture(["/bin/sh", root + "/scripts/demo.sh"],
                                             environment: ["ROTATECTL": PackagePaths.rotatectl, "TMPDIR": tmp])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("== before"))
        #expect(result.stdout.contains("access.log.1.gz"))
        // The decompressed head of the rotated access log is the sample's first line.
        let firstAccessLine = (TestFile.text(root + "/examples/sample/access.log") ?? "").split(separator: "\n").first ?? ""
        #expect(result.stdout.contains("== first lines of access.log.1.gz, decompressed\n\(firstAccessLine)\n"))
        #expect(result.stdout.contains("logrotate state -- version 2"))
        // The temporary directory is cleaned up.
        #expect(ExamplesSupport.tree(tmp) == [])
    }

    /// The demo configuration rotated by rotatectl and by logrotate 3.21 gives the same file names
    /// with the same contents.
    @Test func demoMatchesLogrotate() throws {
        guard ExamplesSupport.binaryHasCommandLine else {
            #expect(SpawnedProcess.capture([PackagePaths.rotatectl]).stdout == "rotatectl\n")
            return
        }
        let scratch = TempDirectory("rotatectl-examples-test"), tmp = scratch.path
        defer { scratch.remove() }
        var outcome: [String: [String: String]] = [:]
        for tool in ["rotatectl", "logrotate"] {
            let logs = tmp + "/" + tool
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: false)
            for name in ["app.log", "app.log.1", "access.log"] {
                try FileManager.default.copyItem(atPath: root + "/examples/sample/" + name, toPath: logs + "/" + name)
            }
            let conf = tmp + "/\(tool).conf"
            try (TestFile.text(ExampleConfigs.path(ExampleConfigs.demoTemplate)) ?? "")
                .replacingOccurrences(of: ExampleConfigs.demoPlaceholder, with: logs)
                .write(toFile: conf, atomically: true, encoding: .utf8)
            let state = tmp + "/\(tool).state"
            let run = tool == "rotatectl"
                ? SpawnedProcess.capture([PackagePaths.rotatectl, "run", "--force", "--state", state, conf])
                : SpawnedProcess.capture(["/usr/sbin/logrotate", "--force", "--state", state, conf])
            #expect(run.status == 0, "\(tool): \(run.stderr)")
            var contents: [String: String] = [:]
            // rotatectl's lock file stays in the directory by design; it is not a log.
            for name in ExamplesSupport.tree(logs) where !name.hasPrefix(".rotatectl") {
                let path = logs + "/" + name
                contents[name] = name.hasSuffix(".gz")
                    ? SpawnedProcess.capture(["/bin/gzip", "-dc", path]).stdout
                    : (TestFile.text(path) ?? "")
            }
            outcome[tool] = contents
        }
        let ours = outcome["rotatectl"] ?? [:], theirs = outcome["logrotate"] ?? [:]
        #expect(ours.keys.sorted() == theirs.keys.sorted())
        let differing = Set(ours.keys).union(theirs.keys).filter { ours[$0] != theirs[$0] }.sorted()
        #expect(differing == [])
    }
}
