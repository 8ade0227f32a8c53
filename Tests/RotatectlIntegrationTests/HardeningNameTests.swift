import Foundation
import RotationEngine
import Testing
import TestSupport

/// File names are data. Names with blanks, quotes, `$(...)`, backticks, semicolons, pipes, globbing
/// characters and newlines are rotated like any other, reach scripts only as `$1`/`$2` (never as shell
/// text), round-trip through the state file and the journal, and appear verbatim in valid JSON. A name
/// that is not valid UTF-8 is rotated under its exact bytes and shown with `\xNN` (see `NonUTF8NameTests`).
@Suite("Hardening: hostile file names") struct HardeningNameTests {
    /// Every one would run `touch pwned` (in the working directory) if pasted into shell text.
    static let names = [
        "with space.log", "it's.log", "double\"quote.log", "$(touch pwned).log", "`touch pwned`.log",
        "semi;touch pwned;.log", "pipe|touch pwned.log", "new\nline.log", "tab\there.log", "star*.log",
        "back\\slash.log", "percent%25.log", "dollar$HOME.log", "ünïcødé ✓.log", "-dash.log", "&touch pwned&.log",
    ]

    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-names")
        mkdir(t.child("logs"), 0o755)
        mkdir(t.child("cwd"), 0o755)
        for (i, n) in names.enumerated() { t.write("logs/" + n, "line of log \(i)\n") }
        return t
    }

    /// Parses `printf '%s\0'` output.
    static func nulSeparated(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func namesAreRotatedAndReachScriptsOnlyAsArguments() throws {
        let t = Self.tree()
        let conf = t.config("""
            @DIR@/logs/*.log {
                rotate 2
                compress
                create
                nosharedscripts
                prerotate
                    printf '%s\\0' "$1" >> @DIR@/pre.args
                endscript
                postrotate
                    printf '%s\\0%s\\0' "$1" "$2" >> @DIR@/post.args
                endscript
            }
            """)
        let r = Harness.run(["/usr/bin/timeout", "60", PackagePaths.rotatectl, "run", "--force", "-s", t.child("state"), conf],
                            cwd: t.child("cwd"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!t.exists("cwd/pwned") && !t.exists("pwned"), "a name was executed")
        #expect(Hostile.fingerprint(t.child("cwd")).isEmpty)
        for (i, n) in Self.names.enumerated() {
            #expect(Harness.contents(t.child("logs/" + n + ".1.gz")) == "line of log \(i)\n", "\(n)")
            #expect(t.read("logs/" + n) == "", "\(n) recreated")
        }
        let paths = Self.names.map { t.child("logs/" + $0) }
        #expect(Self.nulSeparated(t.child("pre.args")).sorted() == paths.sorted())
        let post = Self.nulSeparated(t.child("post.args"))
        #expect(post.count == 2 * paths.count)
        let pairs = stride(from: 0, to: post.count - 1, by: 2).map { post[$0] + " -> " + post[$0 + 1] }
        #expect(pairs.sorted() == paths.map { $0 + " -> " + $0 + ".1" }.sorted())

        // The state file round-trips every name.
        let (entries, warnings) = StateStore.load(path: t.child("state"))
        #expect(warnings.isEmpty, "\(warnings)")
        for p in paths { #expect(entries[p] != nil, "\(p) not in the state") }
        #expect(entries.count == paths.count, "\(entries.keys.sorted())")
    }

    @Test func jsonReportIsValidAndCarriesTheNamesVerbatim() throws {
        let t = Self.tree()
        let conf = t.config("@DIR@/logs/*.log {\n rotate 1\n create\n}\n")
        let r = Harness.run([PackagePaths.rotatectl, "run", "--json", "--force", "-s", t.child("state"), conf], cwd: t.child("cwd"))
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let events = try #require(doc["events"] as? [[String: Any]])
        let renamed = Set(events.filter { $0["action"] as? String == "rename" }.compactMap { $0["path"] as? String })
        #expect(renamed == Set(Self.names.map { t.child("logs/" + $0) }))
        let targets = Set(events.filter { $0["action"] as? String == "rename" }.compactMap { $0["target"] as? String })
        #expect(targets == Set(Self.names.map { t.child("logs/" + $0 + ".1") }))
        let status = Harness.run([PackagePaths.rotatectl, "status", "--json", "-s", t.child("state"), conf])
        let statusDoc = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8))
        let strings = Self.strings(in: statusDoc)
        for n in Self.names { #expect(strings.contains(t.child("logs/" + n)), "\(n) in status --json") }
    }

    /// Every string value anywhere in a parsed JSON document.
    static func strings(in value: Any) -> Set<String> {
        if let s = value as? String { return [s] }
        if let a = value as? [Any] { return a.reduce(into: Set<String>()) { $0.formUnion(strings(in: $1)) } }
        if let d = value as? [String: Any] { return d.values.reduce(into: Set<String>()) { $0.formUnion(strings(in: $1)) } }
        return []
    }

    /// The journal written before the first rename holds every name; killed right after it, the next run
    /// reads it back and finishes every rotation.
    @Test func journalRoundTripsTheNamesThroughACrash() throws {
        let t = Self.tree()
        let conf = t.config("@DIR@/logs/*.log {\n rotate 1\n sharedscripts\n missingok\n}\n")
        let crash = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), conf],
                                      environment: ["ROTATECTL_CRASH_AT": "1"])
        #expect(crash.status == 137, "\(crash.stderr)")
        #expect(crash.stderr.contains("journal written"), "\(crash.stderr)")
        let handle = try DirectoryHandle.open(t.child("logs"))
        let read = try #require(try JournalFile(handle).read())
        #expect(read.problem == nil)
        var sources: [String] = []
        for case .unit(_, _, let steps, _, _) in read.blocks {
            for case .rename(let from, _, _) in steps { sources.append(from) }
        }
        #expect(sources.sorted() == Self.names.map { t.child("logs/" + $0) }.sorted())
        let r = Hostile.rotatectl(["run", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("finished a rotation interrupted by a crash") || r.stderr.contains("finished a rotation"),
                "\(r.stdout)\(r.stderr)")
        for (i, n) in Self.names.enumerated() { #expect(t.read("logs/" + n + ".1") == "line of log \(i)\n", "\(n)") }
        #expect(!t.exists("logs/.rotatectl.journal"))
    }

    /// A name that is not UTF-8 is rotated like any other, under its exact bytes (a `String` made with
    /// `String(cString:)` would have repaired `\xFF` to U+FFFD and missed the file); messages and the
    /// JSON report show the bytes as `\xNN`.
    @Test func nameThatIsNotUTF8IsRotatedUnderItsExactBytes() throws {
        let t = TempDirectory("rotatectl-bytes")
        mkdir(t.child("logs"), 0o755)
        let bad: [UInt8] = Array("bad".utf8) + [0xFF, 0xFE] + Array(".log".utf8)
        let lone: [UInt8] = Array("cut".utf8) + [0xE2, 0x82] + Array(".log".utf8)   // a truncated "€"
        try #require(TestFile.createRaw(t.child("logs"), bad, "bad bytes\n"))
        try #require(TestFile.createRaw(t.child("logs"), lone, "cut bytes\n"))
        t.write("logs/good.log", "good\n")
        let conf = t.config("@DIR@/logs/*.log {\n rotate 1\n compress\n create\n}\n")
        let r = Hostile.rotatectl(["run", "--force", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.isEmpty, "\(r.stderr)")
        #expect(r.stdout.contains("\(t.child("logs"))/bad\\xFF\\xFE.log"), "\(r.stdout)")
        let gz = Array(".1.gz".utf8)
        #expect(Set(Hostile.rawNames(t.child("logs")).filter { $0.first != UInt8(ascii: ".") })
                == Set([bad, lone, bad + gz, lone + gz, Array("good.log".utf8), Array("good.log.1.gz".utf8)]))
        #expect(TestFile.readRaw(t.child("logs"), bad) == "", "recreated empty")
        #expect(RawNames.gunzip(t.child("logs"), bad + gz) == "bad bytes\n")
        #expect(RawNames.gunzip(t.child("logs"), lone + gz) == "cut bytes\n")
        let (entries, warnings) = StateStore.load(path: t.child("state"))
        #expect(warnings.isEmpty)
        #expect(Set(entries.keys.map(FileNameEncoding.encode)) == Set([bad, lone, Array("good.log".utf8)].map { Array(t.child("logs/").utf8) + $0 }))
        let j = Hostile.rotatectl(["run", "--json", "--force", "-s", t.child("state"), conf])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let events = try #require(doc["events"] as? [[String: Any]])
        #expect(events.contains { ($0["action"] as? String) == "rename" && ($0["path"] as? String) == t.child("logs") + "/bad\\xFF\\xFE.log" })
    }
}
