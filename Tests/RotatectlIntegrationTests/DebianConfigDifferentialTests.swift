import Foundation
import Testing
import TestSupport

/// Every Debian package's /etc/logrotate.d file, unchanged but for its log paths' prefix and its scripts'
/// bodies (`DebianFixtures.rewrite`), under Debian's /etc/logrotate.conf, run once by logrotate 3.21, by
/// rotatectl under the name `logrotate` and by `rotatectl run`, in triplet trees (one run of each for all
/// packages, side by side; forced, then on fresh trees by their schedules): all must run clean, leave the same tree for every package (names,
/// modes, owners, contents, gzip and xz read back) and run the same scripts with the same arguments, in
/// the same order. The packages' users and groups, which this machine lacks, are given to
/// the tools through nss_wrapper (package libnss-wrapper, scripts/setup.sh), so that `su` and `create`
/// resolve as on a machine with the packages installed.
@Suite(.serialized) struct DebianConfigDifferentialTests {
    static let nssWrapper = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"

    /// The accounts both tools see: the environment that makes them use nss_wrapper's files, and the
    /// ids those files give (this test process does not go through nss_wrapper).
    struct Accounts: Sendable {
        var environment: [String: String]
        var uids: [String: UInt32]
        var gids: [String: UInt32]
    }

    /// A copy of this machine's passwd and group with an entry for every account the packages name that
    /// it lacks (ids from 20000), for nss_wrapper.
    static func accounts(in dir: String) throws -> Accounts {
        let (users, groups) = DebianFixtures.accountNames()
        var passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
        var group = (try? String(contentsOfFile: "/etc/group", encoding: .utf8)) ?? ""
        for (i, name) in users.sorted().enumerated() where getpwnam(name) == nil {
            passwd += "\(name):x:\(20000 + i):\(20000 + i)::/nonexistent:/usr/sbin/nologin\n"
        }
        for (i, name) in groups.sorted().enumerated() where getgrnam(name) == nil {
            group += "\(name):x:\(20000 + i):\n"
        }
        try Differential.write(dir + "/passwd", passwd, mode: 0o644)
        try Differential.write(dir + "/group", group, mode: 0o644)
        func ids(_ text: String) -> [String: UInt32] {
            var result: [String: UInt32] = [:]
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.count > 2, let id = UInt32(fields[2]) { result[String(fields[0])] = id }
            }
            return result
        }
        return Accounts(environment: ["LANG": "C", "LD_PRELOAD": nssWrapper, "NSS_WRAPPER_PASSWD": dir + "/passwd",
                                      "NSS_WRAPPER_GROUP": dir + "/group"],
                        uids: ids(passwd), gids: ids(group))
    }

    /// `root/PACKAGE/{logrotate.d,fs}` for every package, and `root/logrotate.conf`: Debian's main file,
    /// its `include /etc/logrotate.d` made one include per package. With `rotatedDaysAgo`, `root/state`
    /// says every log was last rotated that long ago.
    static func stage(_ packages: [String], root: String, accounts: Accounts, rotatedDaysAgo: Int?) throws -> String {
        try Differential.mkdir(root, 0o755)
        var includes: [String] = [], logs: [String] = []
        for package in packages {
            let base = root + "/" + package, fs = base + "/fs"
            try Differential.mkdir(base, 0o755)
            try Differential.mkdir(base + "/logrotate.d", 0o755)
            for file in DebianFixtures.files(of: package) {
                let text = try String(contentsOfFile: DebianFixtures.directory + "/" + package + "/" + file, encoding: .isoLatin1)
                let target = base + "/logrotate.d/" + file
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                // A file in a subdirectory is no configuration (logrotate skips the directory): kept as it is.
                let staged = file.contains("/") ? text : DebianFixtures.rewrite(text, root: fs, out: base + "/script.out")
                guard TestFile.write(Array(staged.utf8), to: target, mode: 0o644) else { throw Differential.Failure("write \(target)") }
                if file.contains("/") { continue }
                for block in DebianFixtures.blocks(text) { logs += try makeLogs(block, fs: fs, accounts: accounts) }
            }
            includes.append("include " + base + "/logrotate.d")
        }
        let main = try String(contentsOfFile: DebianFixtures.mainConfig, encoding: .utf8)
        let top = root + "/logrotate.conf"
        try Differential.write(top, main.replacingOccurrences(of: "include /etc/logrotate.d", with: includes.joined(separator: "\n")), mode: 0o644)
        if let days = rotatedDaysAgo {
            var t = time(nil) - time_t(days * 86400), tm = tm()
            localtime_r(&t, &tm)
            let date = "\(tm.tm_year + 1900)-\(tm.tm_mon + 1)-\(tm.tm_mday)-\(tm.tm_hour):\(tm.tm_min):\(tm.tm_sec)"
            let lines = Set(logs).sorted().map { "\"\($0)\" \(date)\n" }.joined()
            // 0600: logrotate warns of a world-readable state file.
            try Differential.write(root + "/state", "logrotate state -- version 2\n" + lines, mode: 0o600)
        }
        return top
    }

    /// The logs a block names, one line each, in directories the block's `su` user owns (unless root), and its olddir.
    @discardableResult
    static func makeLogs(_ block: DebianFixtures.Block, fs: String, accounts: Accounts) throws -> [String] {
        var logs: [String] = []
        for pattern in block.patterns {
            let log = fs + DebianFixtures.concrete(pattern)
            logs.append(log)
            let dir = (log as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            if access(log, F_OK) != 0 { try Differential.write(log, "a line of \(pattern)\n", mode: 0o644) }
            if let old = block.oldDir {
                let path = old.hasPrefix("/") ? fs + old : dir + "/" + old
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            }
            // `su root GROUP` needs nothing of the tree (ceph-common, onedrive: the log stays root's).
            if let su = block.su, su.user != "root" {
                guard let uid = accounts.uids[su.user], let gid = accounts.gids[su.group] else { throw Differential.Failure("su \(su) unknown") }
                for path in [dir, log] where chown(path, uid, gid) != 0 {
                    throw Differential.Failure("chown \(path): \(errno)")
                }
            }
        }
        return logs
    }

    /// A name with its run's epoch seconds (waagent's `dateformat -%Y-%m-%d-%s`) as `EPOCH`: the runs are
    /// seconds apart.
    static func withoutEpoch(_ name: String) -> String {
        var result = "", digits = ""
        for c in name + "/" {
            if c.isASCII && c.isNumber { digits.append(c); continue }
            result += digits.count == 10 ? "EPOCH" : digits
            digits = ""
            result.append(c)
        }
        return String(result.dropLast())
    }

    /// Forced (`-f`, `run --force`): every log is rotated, whatever its schedule.
    @Test func everyPackageRotatesAsUnderLogrotate() throws {
        try Self.compareAll(force: true)
    }

    /// Not forced, every log last rotated 400 days ago: the schedules (`daily` … `yearly`, `size`,
    /// `minsize`, `maxage`) decide, read from the state file by each tool.
    @Test func everyPackageIsDueAsUnderLogrotate() throws {
        try Self.compareAll(force: false)
    }

    static func compareAll(force: Bool) throws {
        #expect(access(Self.nssWrapper, R_OK) == 0, "libnss-wrapper must be installed (scripts/setup.sh)")
        let scratch = TempDirectory("rotatectl-debian"), root = scratch.path
        defer { scratch.remove() }
        // The packages' su users must reach their directories.
        guard chmod(root, 0o755) == 0 else { throw Differential.Failure("chmod \(root)") }
        let accounts = try Self.accounts(in: root), environment = accounts.environment
        let packages = DebianFixtures.packages()
        #expect(packages.count >= 300)
        let link = try Differential.logrotateLink(in: root)
        // logrotate; rotatectl under its name, with its command line; `rotatectl run --force`.
        let tools = ["lr", "rc", "run"]
        @Sendable func argv(_ tool: String, _ top: String) -> [String] {
            let state = root + "/" + tool + "/state"
            switch tool {
            case "lr": return [Differential.logrotate] + (force ? ["-f"] : []) + ["-s", state, top]
            case "rc": return [link] + (force ? ["-f"] : []) + ["-s", state, top]
            default: return [Differential.rotatectl, "run"] + (force ? ["--force"] : []) + ["-s", state, top]
            }
        }
        let results = Differential.Results()
        // The staging of the three trees, and then the three runs, side by side.
        DispatchQueue.concurrentPerform(iterations: tools.count) { i in
            results.set(i, Result {
                let top = try Self.stage(packages, root: root + "/" + tools[i], accounts: accounts, rotatedDaysAgo: force ? nil : 400)
                let ran = SpawnedProcess.capture(argv(tools[i], top), environment: environment)
                return DiffOutcome(statuses: [ran.status], stderr: [ran.stderr], stdout: [ran.stdout])
            })
        }
        let lr = try results.get(0), rc = try results.get(1), run = try results.get(2)
        #expect(lr.statuses == [0] && lr.stderr == [""], "logrotate: \(lr.stderr)")
        #expect(rc.statuses == [0] && rc.stderr == [""] && rc.stdout == [""], "rotatectl as logrotate: \(rc.stderr)")
        #expect(run.statuses == [0] && run.stderr == [""], "rotatectl run: \(run.stderr)")
        var rotated = 0, scriptLines = 0
        for package in packages {
            // A package whose files name no log (conman's is all comments) has no tree.
            let trees = try tools.map { tool in
                let fs = root + "/" + tool + "/" + package + "/fs"
                let tree = access(fs, F_OK) == 0 ? try Differential.scan(fs) : [:]
                return Dictionary(tree.map { (Self.withoutEpoch($0.key), $0.value) }) { a, _ in a }
            }
            let scripts = tools.map { tool in
                (try? String(contentsOfFile: root + "/" + tool + "/" + package + "/script.out", encoding: .utf8))?
                    .replacingOccurrences(of: root + "/" + tool + "/" + package + "/fs", with: "@") ?? ""
            }
            for t in 1..<tools.count {
                #expect(trees[0].keys.sorted() == trees[t].keys.sorted(), "\(package) (\(tools[t])): names differ")
                for (name, entry) in trees[0] where trees[t][name] != nil {
                    #expect(entry == trees[t][name], "\(package) (\(tools[t])): \(name): logrotate \(entry), rotatectl \(trees[t][name].map { "\($0)" } ?? "")")
                }
                #expect(scripts[0] == scripts[t], "\(package) (\(tools[t])): scripts\n\(scripts[0])\n\(scripts[t])")
            }
            rotated += trees[0].keys.filter { $0.hasSuffix(".1") || $0.contains(".1.") || $0.contains("-20") }.count
            scriptLines += scripts[0].split(separator: "\n").count
        }
        // Not a comparison of nothing: most logs were rotated (496 forced, 449 by schedule), and scripts ran
        // (180 and 163 lines).
        #expect(rotated > (force ? 400 : 250) && scriptLines > (force ? 150 : 100), "\(rotated) rotated, \(scriptLines) script lines")
        // `rotatectl check` accepts the whole set, every package's file under Debian's main file.
        let check = SpawnedProcess.capture([Differential.rotatectl, "check", root + "/rc/logrotate.conf"], environment: environment)
        #expect(check.status == 0 && !check.stderr.contains(": error: ") && !check.stderr.contains(": warning: "), "\(check.stderr)")
    }
}
