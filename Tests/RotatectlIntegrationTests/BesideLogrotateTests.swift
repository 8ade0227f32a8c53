import Foundation
import Testing
import TestSupport

/// `run` and `status` warn once when logrotate is still scheduled on the host and names a log rotatectl
/// rotates (issue 19, section 2). The host is faked in a directory (`ROTATECTL_HOST_ROOT`, debug builds).
@Suite struct BesideLogrotateTests {
    enum Cron: CaseIterable { case none, executable, notExecutable, debianExecutable }
    enum Program: CaseIterable { case logrotate, rotatectlLink, missing }

    struct Host {
        var booted = false, timer = false, masked = false, cron = Cron.none, program = Program.logrotate

        /// What the warning must follow: logrotate runs, and a timer or a job that does not defer starts it.
        var scheduled: Bool {
            program == .logrotate && ((booted && timer && !masked)
                || cron == .executable || (cron == .debianExecutable && !booted))
        }

        static var all: [Host] {
            var hosts: [Host] = []
            for booted in [false, true] { for timer in [false, true] { for masked in [false, true] {
                for cron in Cron.allCases { for program in Program.allCases {
                    hosts.append(Host(booted: booted, timer: timer, masked: masked, cron: cron, program: program))
                } }
            } } }
            return hosts
        }
    }

    /// Debian 12's /etc/cron.daily/logrotate (logrotate 3.21.0-1), which leaves the work to the timer under systemd.
    static let debianJob = """
        #!/bin/sh

        # skip in favour of systemd timer
        if [ -d /run/systemd/system ]; then
            exit 0
        fi

        # this cronjob persists removals (but not purges)
        if [ ! -x /usr/sbin/logrotate ]; then
            exit 0
        fi

        /usr/sbin/logrotate /etc/logrotate.conf

        """

    /// Lays out `host` under `root`; logrotate.conf names `logs/a*.log` (a glob) and `logs/x.log`.
    static func fake(_ host: Host, root: String, logs: String) throws {
        let fm = FileManager.default
        for dir in ["etc/systemd/system/timers.target.wants", "lib/systemd/system", "etc/cron.daily", "usr/sbin", "etc/logrotate.d", "run"] {
            try fm.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        if host.booted { try fm.createDirectory(atPath: root + "/run/systemd/system", withIntermediateDirectories: true) }
        try "[Timer]\nOnCalendar=daily\n".write(toFile: root + "/lib/systemd/system/logrotate.timer", atomically: true, encoding: .utf8)
        if host.timer {
            try fm.createSymbolicLink(atPath: root + "/etc/systemd/system/timers.target.wants/logrotate.timer",
                                      withDestinationPath: root + "/lib/systemd/system/logrotate.timer")
        }
        if host.masked { try fm.createSymbolicLink(atPath: root + "/etc/systemd/system/logrotate.timer", withDestinationPath: "/dev/null") }
        let job = root + "/etc/cron.daily/logrotate"
        switch host.cron {
        case .none: break
        case .executable, .notExecutable:
            try "#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf\n".write(toFile: job, atomically: true, encoding: .utf8)
        case .debianExecutable:
            try Self.debianJob.write(toFile: job, atomically: true, encoding: .utf8)
        }
        if host.cron != .none {
            try fm.setAttributes([.posixPermissions: host.cron == .notExecutable ? 0o644 : 0o755], ofItemAtPath: job)
        }
        switch host.program {
        case .logrotate: try fm.copyItem(atPath: "/bin/true", toPath: root + "/usr/sbin/logrotate")
        case .rotatectlLink: try fm.createSymbolicLink(atPath: root + "/usr/sbin/logrotate", withDestinationPath: PackagePaths.rotatectl)
        case .missing: break
        }
        try "weekly\ninclude \(root)/etc/logrotate.d\n".write(toFile: root + "/etc/logrotate.conf", atomically: true, encoding: .utf8)
        try "\(logs)/a*.log {\n  daily\n}\n\(logs)/x.log {\n  missingok\n}\n"
            .write(toFile: root + "/etc/logrotate.d/pkg", atomically: true, encoding: .utf8)
    }

    /// Logs a.log (named by logrotate through its glob) and b.log (not), and rotatectl's config for both.
    static func scene(_ t: TempDirectory, _ host: Host) throws -> (conf: String, env: [String: String]) {
        let logs = t.child("logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        _ = t.write("logs/a.log", "a\n")
        _ = t.write("logs/b.log", "b\n")
        try fake(host, root: t.child("host"), logs: logs)
        let conf = t.write("rotatectl.conf", "\(logs)/a.log \(logs)/b.log {\n  daily\n  rotate 2\n  create\n}\n")
        return (conf, ["ROTATECTL_HOST_ROOT": t.child("host")])
    }

    static func logs(_ result: ProcessResult) -> [[String: Any]] {
        guard let data = result.stdout.data(using: .utf8),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return doc["logs"] as? [[String: Any]] ?? []
    }

    /// Every host layout: status warns once exactly when logrotate is scheduled, and marks a.log only.
    @Test func statusWarnsExactlyWhenLogrotateIsScheduled() throws {
        #expect(Host.all.filter(\.scheduled).count > 5 && Host.all.filter { !$0.scheduled }.count > 5)
        for host in Host.all {
            let t = TempDirectory("rotatectl-beside")
            defer { t.remove() }
            let (conf, env) = try Self.scene(t, host)
            let status = Harness.rotatectl(["status", "--json", "-s", t.child("state"), conf], environment: env)
            #expect(status.status == 0, "\(host): \(status.stderr)")
            let warnings = status.stderr.components(separatedBy: "logrotate is still scheduled").count - 1
            #expect(warnings == (host.scheduled ? 1 : 0), "\(host): \(status.stderr)")
            let marked = Self.logs(status).filter { $0["also_logrotate"] as? Bool == true }.compactMap { $0["path"] as? String }
            #expect(marked == (host.scheduled ? [t.child("logs/a.log")] : []), "\(host)")
            if host.scheduled {
                let disable = host.booted && host.timer && !host.masked ? "systemctl disable --now logrotate.timer" : "chmod -x /etc/cron.daily/logrotate"
                #expect(status.stderr.contains(disable), "\(host): \(status.stderr)")
            }
        }
    }

    /// A forced run warns once (code logrotate-scheduled) for the logs it rotates that logrotate names,
    /// rotates them all the same, and exits 0.
    @Test func runWarnsOnceAndStillRotates() throws {
        let t = TempDirectory("rotatectl-beside")
        defer { t.remove() }
        let (conf, env) = try Self.scene(t, Host(booted: true, timer: true))
        _ = t.write("logs/a2.log", "a2\n")
        let conf2 = t.write("two.conf", (t.read("rotatectl.conf") ?? "").replacingOccurrences(of: "b.log {", with: "b.log \(t.child("logs/a2.log")) {"))
        let run = Harness.rotatectl(["run", "-f", "--json", "-s", t.child("state"), conf2], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Harness.codes(run) == ["logrotate-scheduled"])
        let event = Harness.events(run).first { $0["code"] as? String == "logrotate-scheduled" }
        #expect((event?["message"] as? String)?.contains("and 1 other log") == true)
        #expect((event?["message"] as? String)?.contains("systemctl disable --now logrotate.timer") == true)
        for name in ["a.log.1", "b.log.1", "a2.log.1"] { #expect(t.exists("logs/" + name), "\(name)") }
        // Nothing due of what logrotate names: no warning.
        let quiet = Harness.rotatectl(["run", "-s", t.child("state"), conf], environment: env)
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("logrotate is still scheduled"), "\(quiet.stderr)")
    }

    /// Under the name logrotate (the divert) there is nothing beside it to warn about.
    @Test func noWarningUnderTheLogrotateName() throws {
        let t = TempDirectory("rotatectl-beside")
        defer { t.remove() }
        let (conf, env) = try Self.scene(t, Host(cron: .executable))
        let link = t.child("logrotate")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: PackagePaths.rotatectl)
        let run = Harness.run([link, "-f", "-v", "-s", t.child("state"), conf], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(t.exists("logs/a.log.1"))
        #expect(!run.stderr.contains("still scheduled"), "\(run.stderr)")
    }
}
