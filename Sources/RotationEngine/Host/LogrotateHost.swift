/// What of logrotate is installed and scheduled on the host, read from its files the way systemd and
/// cron would use them (no `systemctl`, which may not answer in a container): the timer's link in
/// `timers.target.wants`, the `cron.daily` job's mode, `/etc/logrotate.conf`. `root` is "" for the
/// real host; debug builds take another from `ROTATECTL_HOST_ROOT`, so tests fake a host in a directory.
public struct LogrotateHost: Sendable {
    public var root: String

    public init(root: String = "") { self.root = root.hasSuffix("/") ? String(root.dropLast()) : root }

    /// The real host, or in debug builds the one `ROTATECTL_HOST_ROOT` names.
    public static var current: LogrotateHost {
        #if DEBUG
        if let root = ProcessEnvironment.value("ROTATECTL_HOST_ROOT") { return LogrotateHost(root: root) }
        #endif
        return LogrotateHost()
    }

    static let timerLink = "/etc/systemd/system/timers.target.wants/logrotate.timer"
    static let timerOverride = "/etc/systemd/system/logrotate.timer"
    static let cronJob = "/etc/cron.daily/logrotate"
    static let program = "/usr/sbin/logrotate"
    static let systemdBooted = "/run/systemd/system"
    public static let configuration = "/etc/logrotate.conf"

    /// The schedulers that still start logrotate itself: none when `/usr/sbin/logrotate` is missing or
    /// is rotatectl (the divert of MIGRATING.md), else the timer if systemd runs the host and the timer
    /// is enabled and not masked, and the `cron.daily` job if it is executable, unless systemd runs the
    /// host and the job is Debian's, which then leaves the work to the timer.
    public func schedulers() -> [LogrotateScheduler] {
        guard let program = try? FileStatus.following(path: root + Self.program), program.kind == .regular,
              program.mode & 0o111 != 0, !isThisProgram(program) else { return [] }
        let booted = (try? FileStatus.following(path: root + Self.systemdBooted))?.kind == .directory
        var found: [LogrotateScheduler] = []
        if booted, let unit = try? FileStatus.following(path: root + Self.timerLink), unit.kind == .regular, unit.size > 0,
           (try? FileStatus.following(path: root + Self.timerOverride))?.kind != .other {
            found.append(.systemdTimer)
        }
        if let job = try? FileStatus.following(path: root + Self.cronJob), job.kind == .regular, job.mode & 0o111 != 0,
           !(booted && cronJobDefersToSystemd()) {
            found.append(.cronDaily)
        }
        return found
    }

    /// Whether `status` is this very executable (`/proc/self/exe`): logrotate's name is a link to rotatectl.
    func isThisProgram(_ status: FileStatus) -> Bool {
        guard let me = try? FileStatus.following(path: "/proc/self/exe") else { return false }
        return me.device == status.device && me.inode == status.inode
    }

    /// Debian's job starts with `if [ -d /run/systemd/system ]; then exit 0; fi`.
    func cronJobDefersToSystemd() -> Bool {
        guard let file = try? DirectoryHandle.readWholeFile(path: root + Self.cronJob, limit: 1 << 16) else { return false }
        return String(decoding: file.bytes, as: UTF8.self).contains(Self.systemdBooted)
    }

    /// The logs logrotate's configuration names, parsed by rotatectl's own parser (its errors are
    /// logrotate's business; a block with one is dropped, as logrotate drops it).
    public func namedLogs() -> LogPatterns {
        let parsed = ConfigParser(asRoot: false).parse(paths: [root + Self.configuration])
        return LogPatterns(parsed.logSets.flatMap(\.patterns))
    }

    /// logrotate's schedulers and names beside this run, or nil when nothing schedules logrotate.
    public func beside() -> BesideLogrotate? {
        let schedulers = schedulers()
        guard !schedulers.isEmpty else { return nil }
        return BesideLogrotate(schedulers: schedulers, names: namedLogs())
    }
}

/// What starts logrotate on a host.
public enum LogrotateScheduler: Sendable, Equatable {
    case systemdTimer
    case cronDaily

    /// What it is, and the command that stops it.
    public var described: (what: String, disable: String) {
        switch self {
        case .systemdTimer: ("logrotate.timer is enabled", "systemctl disable --now logrotate.timer")
        case .cronDaily: ("/etc/cron.daily/logrotate is executable", "chmod -x /etc/cron.daily/logrotate")
        }
    }
}
