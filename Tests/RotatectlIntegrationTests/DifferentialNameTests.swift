import Foundation
@testable import RotationEngine
import Testing
import TestSupport

/// Names that are not UTF-8 against `/usr/sbin/logrotate`: the same logs rotated by both tools give the
/// same names (bytes), contents and script arguments, and each reads the other's state file entry for
/// such a name (issue 17).
@Suite struct DifferentialNameTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var directives: String
        var runs: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "numbered with compress, three runs", directives: "rotate 2\ncompress", runs: 3),
        Case(name: "delaycompress and create, four runs", directives: "rotate 3\ncompress\ndelaycompress\ncreate", runs: 4),
        Case(name: "dateext into an olddir", directives: "rotate 2\ndateext\ndateformat -%Y%m%d\nolddir old\ncreateolddir 0755", runs: 1),
        Case(name: "copytruncate, two runs", directives: "rotate 1\ncopytruncate\ncompress", runs: 2),
        Case(name: "extension kept before the number", directives: "rotate 2\nextension .log\ncompress", runs: 2),
    ]

    /// The literal name the configuration gives with its raw bytes (no wildcard).
    static let literal = Array("lit".utf8) + [0xFE]
    static let logNames = RawNames.hostile + [literal]

    /// A configuration naming `*.log` and the literal raw name, with a prerotate script that records `$1`.
    static func config(_ logs: String, _ out: String, _ directives: String) -> [UInt8] {
        Array("\(logs)/*.log \(logs)/".utf8) + literal + Array("""
             {
            \(directives)
            nosharedscripts
            prerotate
                printf '%s\\0' "$1" >> \(out)
            endscript
            }

            """.utf8)
    }

    enum Tool { case logrotate, rotatectl }

    /// What a tool left: every entry below the logs directory by its relative raw path, with its kind
    /// and (decompressed) content; and the script's arguments with the root replaced by `@ROOT@`.
    struct Outcome: Equatable {
        var tree: [[UInt8]: String] = [:]
        var arguments: [[UInt8]] = []
        var statuses: [Int32] = []
    }

    static func run(_ c: Case, tool: Tool, root: String) throws -> Outcome {
        let logs = root + "/logs", out = root + "/args", conf = root + "/conf", state = root + "/state"
        mkdir(root, 0o755)
        mkdir(logs, 0o755)
        try #require(TestFile.write(config(logs, out, c.directives), to: conf))
        var outcome = Outcome()
        for run in 1...c.runs {
            for n in logNames { try #require(RawNames.append(logs, n, "run \(run) of \(FileNameEncoding.display(bytes: n))\n")) }
            let argv = tool == .logrotate ? ["/usr/sbin/logrotate", "-f", "-s", state, conf]
                                          : [PackagePaths.rotatectl, "run", "--force", "-s", state, conf]
            let ran = SpawnedProcess.capture(argv, environment: ["LANG": "C"])
            #expect(ran.stderr.isEmpty || ran.status == 0, "\(tool) run \(run): \(ran.stderr)")
            outcome.statuses.append(ran.status)
        }
        outcome.tree = scan(logs, prefix: [])
        let prefix = Array(root.utf8)
        outcome.arguments = (TestFile.bytes(out) ?? []).split(separator: 0).map { arg in
            arg.starts(with: prefix) ? Array("@ROOT@".utf8) + arg.dropFirst(prefix.count) : Array(arg)
        }.sorted { $0.lexicographicallyPrecedes($1) }
        return outcome
    }

    /// Every entry below `dir` (not rotatectl's hidden files) by raw relative path.
    static func scan(_ dir: String, prefix: [UInt8]) -> [[UInt8]: String] {
        var tree: [[UInt8]: String] = [:]
        for name in RawNames.list(dir) where !name.starts(with: Array(".rotatectl".utf8)) {
            let rel = prefix + name
            let path = RawNames.path(dir, name)
            var st = stat()
            guard FileNameEncoding.withCString(path, { lstat($0, &st) }) == 0 else { continue }
            if st.st_mode & S_IFMT == S_IFDIR {
                tree[rel] = "dir"
                tree.merge(scan(path, prefix: rel + [UInt8(ascii: "/")])) { a, _ in a }
            } else if name.starts(with: Array(".".utf8)) {
                tree[rel] = "hidden"
            } else if name.suffix(3).elementsEqual(Array(".gz".utf8)) {
                tree[rel] = "gzip: " + (RawNames.gunzip(dir, name) ?? "INVALID")
            } else {
                tree[rel] = "plain: " + (TestFile.readRaw(dir, name) ?? "UNREADABLE")
            }
        }
        return tree
    }

    static func shown(_ tree: [[UInt8]: String]) -> [String] {
        tree.map { "\(FileNameEncoding.display(bytes: $0.key)): \($0.value.debugDescription)" }.sorted()
    }

    @Test(arguments: cases)
    func nonUTF8LogsRotateAsLogrotateRotatesThem(_ c: Case) throws {
        let scratch = TempDirectory("rotatectl-diffnames")
        defer { scratch.remove() }
        let lr = try Self.run(c, tool: .logrotate, root: scratch.child("lr"))
        let rc = try Self.run(c, tool: .rotatectl, root: scratch.child("rc"))
        #expect(Set(lr.tree.keys) == Set(rc.tree.keys), "names differ\n logrotate: \(Self.shown(lr.tree))\n rotatectl: \(Self.shown(rc.tree))")
        #expect(lr.tree == rc.tree, "contents differ\n logrotate: \(Self.shown(lr.tree))\n rotatectl: \(Self.shown(rc.tree))")
        #expect(lr.arguments == rc.arguments, "script arguments differ\n logrotate: \(lr.arguments.map { FileNameEncoding.display(bytes: $0) })\n rotatectl: \(rc.arguments.map { FileNameEncoding.display(bytes: $0) })")
        #expect(lr.statuses == rc.statuses)
        #expect(lr.statuses.allSatisfy { $0 == 0 })
        // Every log was rotated by both: a generation of each raw name exists.
        for n in Self.logNames {
            let stem = n.suffix(4).elementsEqual(Array(".log".utf8)) ? Array(n.dropLast(4)) : n
            let generations = rc.tree.keys.filter { $0 != n && ($0.starts(with: stem) || $0.starts(with: Array("old/".utf8) + stem)) }
            #expect(!generations.isEmpty, "\(FileNameEncoding.display(bytes: n)) has no generation")
        }
    }

    // MARK: - A shared state file

    static let app = RawNames.hostile[0]

    /// A logs directory holding `app\xFF.log` and a configuration rotating it daily, keeping 3, creating
    /// it again.
    static func stateTree() throws -> (TempDirectory, logs: String, conf: String, state: String) {
        let t = TempDirectory("rotatectl-diffstate")
        let logs = t.child("logs")
        mkdir(logs, 0o755)
        try #require(RawNames.append(logs, app, "first\n"))
        let conf = t.child("conf")
        try #require(TestFile.write(Array("\(logs)/*.log {\n daily\n rotate 3\n create\n}\n".utf8), to: conf))
        return (t, logs, conf, t.child("state"))
    }

    /// The state file's lines that name `app\xFF.log`, as bytes.
    static func appLines(_ state: String, _ logs: String) -> [[UInt8]] {
        let quoted = Array("\"\(logs)/".utf8) + app + Array("\"".utf8)
        return (TestFile.bytes(state) ?? []).split(separator: UInt8(ascii: "\n")).map(Array.init).filter { $0.starts(with: quoted) }
    }

    static func generation(_ logs: String, _ k: Int) -> Bool { RawNames.list(logs).contains(app + Array(".\(k)".utf8)) }

    /// logrotate writes the name's raw bytes; rotatectl finds that entry: not due an hour later, due two
    /// days later. Had it missed the entry it would have started a fresh schedule (never due at once)
    /// and written a second line.
    @Test func stateWrittenByLogrotateIsReadByRotatectl() throws {
        let (t, logs, conf, state) = try Self.stateTree()
        defer { t.remove() }
        let lr = SpawnedProcess.capture(["/usr/sbin/logrotate", "-f", "-s", state, conf], environment: ["LANG": "C"])
        try #require(lr.status == 0, "\(lr.stderr)")
        let written = Self.appLines(state, logs)
        try #require(written.count == 1, "logrotate wrote the raw bytes: \(String(decoding: TestFile.bytes(state) ?? [], as: UTF8.self).debugDescription)")
        #expect(Self.generation(logs, 1))
        let now = Int(time(nil))
        let soon = Hostile.rotatectl(["run", "-s", state, conf], environment: ["ROTATECTL_NOW": String(now + 60)])
        #expect(soon.status == 0, "\(soon.stderr)")
        #expect(!Self.generation(logs, 2), "rotated again the same day: the entry was not found")
        #expect(Self.appLines(state, logs) == written, "the entry is kept as logrotate wrote it, once")
        #expect(String(decoding: (TestFile.bytes(state) ?? []).prefix(28), as: UTF8.self) == "logrotate state -- version 2")
        let later = Hostile.rotatectl(["run", "-v", "-s", state, conf], environment: ["ROTATECTL_NOW": String(now + 2 * 86400)])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(Self.generation(logs, 2), "due two days after logrotate's rotation: \(later.stdout)")
        #expect(Self.appLines(state, logs).count == 1)
        // And logrotate reads back what rotatectl wrote.
        let check = SpawnedProcess.capture(["/usr/sbin/logrotate", "-d", "-s", state, conf], environment: ["LANG": "C"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(!check.stderr.contains("bad line"), "\(check.stderr)")
    }

    /// rotatectl writes the raw bytes in logrotate's layout; logrotate finds that entry: a rotation two
    /// days old makes the log due (a missed entry would start a fresh schedule instead), and the next
    /// run the same day leaves it alone.
    @Test func stateWrittenByRotatectlIsReadByLogrotate() throws {
        let (t, logs, conf, state) = try Self.stateTree()
        defer { t.remove() }
        try #require(TestFile.write(Array("logrotate state -- version 2\n".utf8), to: state))
        let twoDaysAgo = Int(time(nil)) - 2 * 86400
        let rc = Hostile.rotatectl(["run", "--force", "-s", state, conf], environment: ["ROTATECTL_NOW": String(twoDaysAgo)])
        try #require(rc.status == 0, "\(rc.stderr)")
        #expect(Self.generation(logs, 1))
        let written = Self.appLines(state, logs)
        try #require(written.count == 1, "\(String(decoding: TestFile.bytes(state) ?? [], as: UTF8.self).debugDescription)")
        RawNames.append(logs, Self.app, "second\n")
        let lr = SpawnedProcess.capture(["/usr/sbin/logrotate", "-v", "-s", state, conf], environment: ["LANG": "C"])
        #expect(lr.status == 0, "\(lr.stderr)")
        #expect(Self.generation(logs, 2), "logrotate did not find the entry: \(lr.stderr)")
        #expect(Self.appLines(state, logs).count == 1)
        RawNames.append(logs, Self.app, "third\n")
        let again = SpawnedProcess.capture(["/usr/sbin/logrotate", "-s", state, conf], environment: ["LANG": "C"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!Self.generation(logs, 3), "rotated twice the same day")
        // And rotatectl agrees it is not due today.
        let ours = Hostile.rotatectl(["run", "-s", state, conf])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(!Self.generation(logs, 3))
        #expect(TestFile.readRaw(logs, Self.app) == "third\n")
    }
}
