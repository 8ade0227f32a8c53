import Foundation
import Testing
import TestSupport

/// A file, directory or link of a differential scenario's starting tree, relative to the logs directory.
struct DiffFile: Sendable {
    enum Kind: Sendable { case file(String), directory, symlink(String), hardlink(String) }
    var path: String
    var kind: Kind
    var mode: UInt32
    /// Age of the modification time, in days (nil: now).
    var ageDays: Double?

    static func file(_ path: String, _ content: String, mode: UInt32 = 0o644, ageDays: Double? = nil) -> DiffFile {
        DiffFile(path: path, kind: .file(content), mode: mode, ageDays: ageDays)
    }
    static func dir(_ path: String, mode: UInt32 = 0o755) -> DiffFile {
        DiffFile(path: path, kind: .directory, mode: mode, ageDays: nil)
    }
    static func symlink(_ path: String, to target: String) -> DiffFile {
        DiffFile(path: path, kind: .symlink(target), mode: 0o777, ageDays: nil)
    }
    static func hardlink(_ path: String, to existing: String) -> DiffFile {
        DiffFile(path: path, kind: .hardlink(existing), mode: 0o644, ageDays: nil)
    }
}

/// How the script output file is compared.
enum ScriptOutputOrder: Sendable { case exact, sorted }

/// One configuration and starting tree, run through logrotate and rotatectl.
/// In `config`, `@DIR@` stands for the logs directory and `@OUT@` for a file scripts may append to.
struct DiffScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var config: String
    var files: [DiffFile] = []
    /// Logs-relative path → days since its last rotation (written into both state files).
    var stateDaysAgo: [(String, Double)] = []
    var force = false
    var runs = 1
    /// Appended to these logs (relative paths) before every run after the first.
    var appendBetweenRuns: [String] = []
    /// Before every run after the first, the state file is written again as seeded: as if the
    /// seeded time had passed again since the last run (both tools see the same "day later").
    var reseedStateBetweenRuns = false
    var scriptOrder: ScriptOutputOrder = .exact
    /// `TZ` for both tools (nil: the test's own).
    var timeZone: String? = nil
    /// Script lines are compared without trailing spaces unless this is set (an unset `$2` leaves one,
    /// and logrotate's `$1` for a set keeps the blanks before `{`).
    var keepTrailingSpaces = false
    /// Both tools get `-m MAIL`, a fake mail command that appends `mail: ARGS` and its standard input to
    /// the script output (compared as script output is).
    var mail = false
    /// A deliberate difference: asserts it instead of equality (documented in rotatectl.conf(5)).
    var deliberate: (@Sendable (DiffOutcome, DiffOutcome) -> Void)? = nil

    var testDescription: String { name }
}

/// One entry of a resulting tree.
struct DiffEntry: Equatable, Sendable, CustomStringConvertible {
    var kind: String        // file, dir, link -> target
    var mode: UInt32
    var compression: String // plain, gzip, bzip2
    var content: String
    var links: Int
    var owner: String = ""
    var description: String {
        "\(kind) \(String(mode, radix: 8)) \(owner) \(compression) links=\(links) \(String(content.prefix(40)).debugDescription)"
    }
}

/// What one tool left behind.
struct DiffOutcome: Sendable {
    var tree: [String: DiffEntry] = [:]
    var script: [String] = []
    var statuses: [Int32] = []
    var stderr: [String] = []
    var stdout: [String] = []
    var names: [String] { tree.keys.sorted() }
}

/// Runs scenarios through `/usr/sbin/logrotate` and the debug `rotatectl` in twin temporary trees
/// and compares names, compression, decompressed contents, modes, owners, link counts, script output
/// and exit statuses. `DIFFERENTIAL_DUMP=1 swift test --filter DifferentialTests` prints both outcomes.
enum Differential {
    static let logrotate = "/usr/sbin/logrotate"

    static var rotatectl: String { PackagePaths.rotatectl }

    /// Runs a scenario through both tools and compares, or checks the deliberate difference.
    static func check(_ s: DiffScenario) throws {
        let scratch = TempDirectory("rotatectl-diff"), root = scratch.path
        defer { scratch.remove() }
        // The two tools work in separate trees: run them side by side.
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let tool: Tool = i == 0 ? .logrotate : .rotatectl
            results.set(i, Result { try run(s, root: root + (i == 0 ? "/lr" : "/rc"), tool: tool) })
        }
        let lr = try results.get(0)
        let rc = try results.get(1)
        if ProcessInfo.processInfo.environment["DIFFERENTIAL_DUMP"] != nil {
            print("== \(s.name)\n logrotate \(lr.statuses) \(lr.tree.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })\n   script \(lr.script)\n rotatectl \(rc.statuses) \(rc.tree.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })\n   script \(rc.script)")
        }
        if let deliberate = s.deliberate {
            deliberate(lr, rc)
            return
        }
        compare(lr, rc)
    }

    /// Equality of trees, script output and exit statuses, reported entry by entry.
    static func compare(_ lr: DiffOutcome, _ rc: DiffOutcome, ignoring: Set<String> = []) {
        let lrNames = lr.names.filter { !ignoring.contains($0) }
        let rcNames = rc.names.filter { !ignoring.contains($0) }
        #expect(lrNames == rcNames, "names differ\n logrotate: \(lrNames)\n rotatectl: \(rcNames)\n lr stderr: \(lr.stderr)\n rc stderr: \(rc.stderr)")
        for name in lrNames where rc.tree[name] != nil {
            #expect(lr.tree[name] == rc.tree[name], "\(name) differs\n logrotate: \(lr.tree[name]!)\n rotatectl: \(rc.tree[name]!)")
        }
        #expect(lr.script == rc.script, "script output differs\n logrotate: \(lr.script)\n rotatectl: \(rc.script)")
        #expect(lr.statuses.map(statusClass) == rc.statuses.map(statusClass),
                "exit statuses differ: logrotate \(lr.statuses) rotatectl \(rc.statuses)\n lr stderr: \(lr.stderr)\n rc stderr: \(rc.stderr)")
    }

    /// logrotate exits 0 or 1; rotatectl's 1 (a set failed) and 2 (configuration error) both map to 1.
    static func statusClass(_ s: Int32) -> Int32 { s == 0 ? 0 : 1 }

    /// `logrotateName`: rotatectl through a symbolic link named `logrotate`, with logrotate's command line.
    enum Tool { case logrotate, rotatectl, logrotateName }

    static func run(_ s: DiffScenario, root: String, tool: Tool) throws -> DiffOutcome {
        let logs = root + "/logs"
        let out = root + "/out"
        try mkdir(root, 0o755)
        try mkdir(logs, 0o755)
        for f in s.files { try build(f, in: logs) }
        let conf = root + "/conf"
        let state = root + "/state"
        let text = s.config.replacingOccurrences(of: "@DIR@", with: logs).replacingOccurrences(of: "@OUT@", with: out)
        try write(conf, text, mode: 0o644)
        func seed() throws {
            var lines = "logrotate state -- version 2\n"
            let now = time(nil)
            for (path, days) in s.stateDaysAgo {
                var t = now - time_t(days * 86400)
                var tm = tm()
                localtime_r(&t, &tm)
                lines += "\"\(logs)/\(path)\" \(tm.tm_year + 1900)-\(tm.tm_mon + 1)-\(tm.tm_mday)-\(tm.tm_hour):\(tm.tm_min):\(tm.tm_sec)\n"
            }
            unlink(state)
            try write(state, lines, mode: 0o644)
        }
        if !s.stateDaysAgo.isEmpty { try seed() }
        var outcome = DiffOutcome()
        for i in 0..<s.runs {
            if i > 0 {
                for p in s.appendBetweenRuns { try append(logs + "/" + p, "more \(i)\n") }
                if s.reseedStateBetweenRuns { try seed() }
            }
            var args: [String]
            switch tool {
            case .logrotate: args = (s.force ? ["-f"] : []) + ["-s", state, conf]
            case .rotatectl: args = ["run"] + (s.force ? ["--force"] : []) + ["--wait", "2", "-s", state, conf]
            case .logrotateName: args = (s.force ? ["-f"] : []) + ["-s", state, conf]
            }
            if s.mail {
                let fake = root + "/mail.sh"
                if access(fake, F_OK) != 0 {
                    try write(fake, "#!/bin/sh\n{ echo \"mail: $*\"; cat; } >> \(out)\n", mode: 0o755)
                }
                args.insert(contentsOf: ["-m", fake], at: tool == .rotatectl ? 1 : 0)
            }
            let program: String
            switch tool {
            case .logrotate: program = logrotate
            case .rotatectl: program = rotatectl
            case .logrotateName: program = try logrotateLink(in: root)
            }
            var environment = ["LANG": "C"]
            if let timeZone = s.timeZone { environment["TZ"] = timeZone }
            let ran = SpawnedProcess.capture([program] + args, environment: environment)
            outcome.statuses.append(ran.status)
            outcome.stderr.append(ran.stderr)
            outcome.stdout.append(ran.stdout)
        }
        outcome.tree = try scan(logs)
        if let data = FileManager.default.contents(atPath: out) {
            var lines = String(decoding: data, as: UTF8.self).replacingOccurrences(of: logs, with: "@DIR@")
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            if !s.keepTrailingSpaces { lines = lines.map { String($0.reversed().drop { $0 == " " }.reversed()) } }
            outcome.script = s.scriptOrder == .sorted ? lines.sorted() : lines
        }
        return outcome
    }

    /// `DIR/bin/logrotate`, a symbolic link to the built rotatectl (made once).
    static func logrotateLink(in dir: String) throws -> String {
        let bin = dir + "/bin", link = bin + "/logrotate"
        if access(link, F_OK) == 0 { return link }
        try mkdir(bin, 0o755)
        guard symlink(rotatectl, link) == 0 else { throw Failure("symlink \(link): \(errno)") }
        return link
    }

    // MARK: - Trees

    static func build(_ f: DiffFile, in logs: String) throws {
        let path = logs + "/" + f.path
        switch f.kind {
        case .directory:
            try mkdir(path, f.mode)
        case .file(let content):
            try write(path, content, mode: f.mode)
        case .symlink(let target):
            guard symlink(target, path) == 0 else { throw Failure("symlink \(path): \(errno)") }
        case .hardlink(let existing):
            guard link(logs + "/" + existing, path) == 0 else { throw Failure("link \(path): \(errno)") }
        }
        if let age = f.ageDays {
            let t = Double(time(nil)) - age * 86400
            var times = [timeval(tv_sec: Int(t), tv_usec: 0), timeval(tv_sec: Int(t), tv_usec: 0)]
            guard utimes(path, &times) == 0 else { throw Failure("utimes \(path): \(errno)") }
        }
    }

    /// Every entry under `dir` except rotatectl's own `.rotatectl*` files.
    static func scan(_ dir: String, prefix: String = "") throws -> [String: DiffEntry] {
        var result: [String: DiffEntry] = [:]
        guard let d = opendir(dir) else { throw Failure("opendir \(dir): \(errno)") }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." || name.hasPrefix(".rotatectl") { continue }
            names.append(name)
        }
        closedir(d)
        for name in names {
            let path = dir + "/" + name
            let rel = prefix + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let mode = UInt32(st.st_mode & 0o7777)
            let owner = "\(st.st_uid):\(st.st_gid)"
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                result[rel] = DiffEntry(kind: "dir", mode: mode, compression: "-", content: "", links: 0, owner: owner)
                for (k, v) in try scan(path, prefix: rel + "/") { result[k] = v }
            case S_IFLNK:
                var buf = [CChar](repeating: 0, count: 4096)
                let n = readlink(path, &buf, buf.count - 1)
                let target = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
                result[rel] = DiffEntry(kind: "link -> \(target)", mode: 0, compression: "-", content: "", links: 0)
            default:
                let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
                var compression = "plain"
                var content = String(decoding: bytes, as: UTF8.self)
                if bytes.starts(with: [0x1f, 0x8b]) {
                    compression = "gzip"
                    content = decompressed("/usr/bin/gzip", path)
                } else if bytes.starts(with: Array("BZh".utf8)) {
                    compression = "bzip2"
                    content = decompressed("/usr/bin/bzip2", path)
                } else if bytes.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) {
                    compression = "xz"
                    content = decompressed("/usr/bin/xz", path)
                } else if bytes.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) {
                    compression = "zstd"
                    content = decompressed("/usr/bin/zstd", path)
                }
                result[rel] = DiffEntry(kind: "file", mode: mode, compression: compression, content: content,
                                        links: Int(st.st_nlink), owner: owner)
            }
        }
        return result
    }

    /// What `TOOL -dc` makes of the file, as text.
    static func decompressed(_ tool: String, _ path: String) -> String {
        String(decoding: CompressedFile.decompressed(path, with: tool) ?? [], as: UTF8.self)
    }

    /// The two outcomes, filled from two threads.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: Result<DiffOutcome, any Error>] = [:]
        func set(_ i: Int, _ r: Result<DiffOutcome, any Error>) { lock.lock(); values[i] = r; lock.unlock() }
        func get(_ i: Int) throws -> DiffOutcome {
            lock.lock(); defer { lock.unlock() }
            guard let r = values[i] else { throw Failure("no outcome \(i)") }
            return try r.get()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    static func mkdir(_ path: String, _ mode: UInt32) throws {
        guard Glibc.mkdir(path, 0o700) == 0, chmod(path, mode_t(mode)) == 0 else { throw Failure("mkdir \(path): \(errno)") }
    }

    static func write(_ path: String, _ text: String, mode: UInt32) throws {
        guard TestFile.write(Array(text.utf8), to: path, mode: mode_t(mode)) else { throw Failure("write \(path): \(errno)") }
    }

    static func append(_ path: String, _ text: String) throws {
        guard TestFile.append(text, to: path) else { throw Failure("append \(path): \(errno)") }
    }
}
