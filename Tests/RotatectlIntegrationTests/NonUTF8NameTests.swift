import Foundation
@testable import RotationEngine
import Testing
import TestSupport

/// Raw names for tests: made, listed (`readdir`) and read as bytes, never through a lossy `String`.
enum RawNames {
    /// Names that are not UTF-8, or sit where a decoder goes wrong: an invalid byte, a truncated
    /// sequence, a surrogate in UTF-8, an overlong form, and two real characters of the escape range's
    /// plane (U+10FFFF inside it, U+10FF7F outside).
    static let hostile: [[UInt8]] = [
        Array("app".utf8) + [0xFF] + Array(".log".utf8),
        Array("cut".utf8) + [0xE2, 0x82] + Array(".log".utf8),
        Array("sur".utf8) + [0xED, 0xA0, 0x80] + Array(".log".utf8),
        Array("over".utf8) + [0xC0, 0xAF] + Array(".log".utf8),
        Array("real".utf8) + [0xF4, 0x8F, 0xBF, 0xBF] + Array(".log".utf8),
        Array("kept".utf8) + [0xF4, 0x8F, 0xBD, 0xBF] + Array(".log".utf8),
    ]

    /// The names `readdir(3)` gives for `dir` (without `.` and `..`), as bytes.
    static func list(_ dir: String) -> Set<[UInt8]> {
        var names = Set<[UInt8]>()
        guard let handle = try? DirectoryHandle.open(dir) else { return [] }
        try? handle.forEachEntryName { names.insert(Array($0)) }
        return names
    }

    /// `list` without hidden names (rotatectl's lock, journal and reserve files).
    static func visible(_ dir: String) -> Set<[UInt8]> { list(dir).filter { $0.first != UInt8(ascii: ".") } }

    /// The path of raw `name` in `dir`, as a `String` the engine (and `ChildProcess`) turns back into
    /// exactly those bytes.
    static func path(_ dir: String, _ name: [UInt8]) -> String { dir + "/" + FileNameEncoding.decode(name) }

    /// Appends `text` to `dir/name`, creating it.
    @discardableResult
    static func append(_ dir: String, _ name: [UInt8], _ text: String) -> Bool {
        let fd = FileNameEncoding.withCString(path(dir, name)) { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// `gzip -n` of `dir/name`, leaving `name.gz`.
    static func gzip(_ dir: String, _ name: [UInt8]) -> Bool {
        (try? ChildProcess.run(["/bin/gzip", "-n", path(dir, name)]))?.succeeded ?? false
    }

    /// The text `gzip -dc` makes of `dir/name` after `gzip -t` passed, nil if it did not.
    static func gunzip(_ dir: String, _ name: [UInt8]) -> String? {
        let p = path(dir, name)
        guard (try? ChildProcess.run(["/bin/gzip", "-t", p]))?.succeeded == true,
              let run = try? ChildProcess.runCapturingOutput(["/bin/gzip", "-dc", p]), run.result.succeeded else { return nil }
        return run.output
    }
}

/// Names that are not UTF-8 (issue 17) rotate like any other: the generations carry the exact bytes,
/// scripts get them as `$1`, the journal finishes them after a crash at any point, the report shows them
/// as `\xNN` in valid JSON.
@Suite struct NonUTF8NameTests {
    static func tree(_ label: String) -> TempDirectory {
        let t = TempDirectory(label)
        mkdir(t.child("logs"), 0o755)
        return t
    }

    @Test func rotatesOverSeveralRunsWithCompressUnderTheExactBytes() throws {
        let t = Self.tree("rotatectl-raw")
        let logs = t.child("logs")
        // `*.log` and a name given literally in the configuration with its raw bytes.
        let conf = Array("\(logs)/*.log \(logs)/lit".utf8) + [0xFE] + Array("""
             {
                rotate 2
                compress
                create
                nosharedscripts
                prerotate
                    printf '%s\\0' "$1" >> \(t.child("pre.args"))
                endscript
            }

            """.utf8)
        let literal = Array("lit".utf8) + [0xFE]
        let names = RawNames.hostile + [literal]
        try #require(TestFile.write(conf, to: t.child("conf")))
        for run in 1...3 {
            for n in names { try #require(RawNames.append(logs, n, "run \(run) of \(FileNameEncoding.display(bytes: n))\n")) }
            let r = Hostile.rotatectl(["run", "--force", "-s", t.child("state"), t.child("conf")])
            #expect(r.status == 0, "run \(run): \(r.stderr)")
            #expect(r.stderr.isEmpty, "run \(run): \(r.stderr)")
        }
        let gz1 = Array(".1.gz".utf8), gz2 = Array(".2.gz".utf8)
        #expect(RawNames.visible(logs) == Set(names.flatMap { [$0, $0 + gz1, $0 + gz2] }),
                "\(RawNames.visible(logs).map { FileNameEncoding.display(bytes: $0) }.sorted())")
        for n in names {
            let shown = FileNameEncoding.display(bytes: n)
            #expect(TestFile.readRaw(logs, n) == "", "\(shown) recreated empty")
            #expect(RawNames.gunzip(logs, n + gz1) == "run 3 of \(shown)\n", "\(shown).1.gz")
            #expect(RawNames.gunzip(logs, n + gz2) == "run 2 of \(shown)\n", "\(shown).2.gz")
        }
        // The script got every log's exact bytes as $1, once a run.
        let args = (TestFile.bytes(t.child("pre.args")) ?? []).split(separator: 0).map { Array($0) }
        let paths = names.map { Array((logs + "/").utf8) + $0 }
        #expect(args.sorted { $0.lexicographicallyPrecedes($1) } == (paths + paths + paths).sorted { $0.lexicographicallyPrecedes($1) })
        // The state file names every log by its bytes.
        let (entries, warnings) = StateStore.load(path: t.child("state"))
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(Set(entries.keys.map(FileNameEncoding.encode)) == Set(paths))

        // The JSON report: valid UTF-8, every name shown with \xNN.
        for n in names { RawNames.append(logs, n, "run 4\n") }
        let j = SpawnedProcess.captureBytes([PackagePaths.rotatectl, "run", "--json", "--force", "-s", t.child("state"), t.child("conf")])
        #expect(j.status == 0)
        #expect(String(validating: j.stdout, as: UTF8.self) != nil, "the JSON report is valid UTF-8")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout)) as? [String: Any])
        let events = try #require(doc["events"] as? [[String: Any]])
        let renamed = Set(events.filter { $0["action"] as? String == "rename" }.compactMap { $0["path"] as? String })
        #expect(renamed.isSuperset(of: names.map { logs + "/" + FileNameEncoding.display(bytes: $0) }), "\(renamed.sorted())")
        #expect(renamed.contains(logs + "/app\\xFF.log"))
        #expect(renamed.contains(logs + "/real\\xF4\\x8F\\xBF\\xBF.log"), "a real U+10FFFF is shown by its bytes")
        #expect(renamed.contains(logs + "/kept\u{10FF7F}.log"), "a real U+10FF7F is shown as it is")
        // The text output and `status` show the same.
        RawNames.append(logs, names[0], "run 5\n")
        let text = Hostile.rotatectl(["run", "--force", "-v", "-s", t.child("state"), t.child("conf")])
        #expect(text.stdout.contains("\(logs)/app\\xFF.log"), "\(text.stdout)")
        #expect(!text.stdout.unicodeScalars.contains { (0x10FF80...0x10FFFF).contains($0.value) })
        let status = SpawnedProcess.captureBytes([PackagePaths.rotatectl, "status", "--json", "-s", t.child("state"), t.child("conf")])
        #expect(String(validating: status.stdout, as: UTF8.self) != nil)
        let statusDoc = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout)) as? [String: Any])
        let logsShown = try #require(statusDoc["logs"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        #expect(Set(logsShown) == Set(names.map { logs + "/" + FileNameEncoding.display(bytes: $0) }), "\(logsShown)")
        let table = Hostile.rotatectl(["status", "-s", t.child("state"), t.child("conf")])
        #expect(table.stdout.contains("\(logs)/cut\\xE2\\x82.log"), "\(table.stdout)")
    }

    /// A configuration file and a state file whose paths are not UTF-8, given on the command line, are
    /// those files (not names repaired with U+FFFD).
    @Test func pathsOnTheCommandLineAreBytes() throws {
        let t = Self.tree("rotatectl-rawargs")
        let logs = t.child("logs")
        RawNames.append(logs, Array("a.log".utf8), "a\n")
        let confName = Array("conf".utf8) + [0xFF], stateName = Array("state".utf8) + [0xFE]
        try #require(TestFile.createRaw(t.path, confName, "\(logs)/a.log {\n rotate 1\n}\n"))
        let run = Harness.sh("\(PackagePaths.rotatectl) run --force -s \"\(t.path)/state$(printf '\\376')\" \"\(t.path)/conf$(printf '\\377')\"")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(TestFile.readRaw(logs, Array("a.log.1".utf8)) == "a\n")
        #expect(RawNames.list(t.path).contains(stateName), "the state file is written under its exact bytes")
        let (entries, _) = StateStore.load(path: RawNames.path(t.path, stateName))
        #expect(entries.keys == [logs + "/a.log"])
    }

    /// Lays out two logs that are not UTF-8, one with an older compressed generation.
    static func crashTree() -> (TempDirectory, String) {
        let t = Self.tree("rotatectl-rawcrash")
        let logs = t.child("logs")
        let app = RawNames.hostile[0], cut = RawNames.hostile[1]
        RawNames.append(logs, app, Harness.lines("app", 1...300))
        RawNames.append(logs, cut, Harness.lines("cut", 1...50))
        RawNames.append(logs, app + Array(".1".utf8), Harness.lines("old", 1...100))
        _ = RawNames.gzip(logs, app + Array(".1".utf8))
        let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 3\n compress\n create\n}\n")
        return (t, conf)
    }

    /// Killed at every crash point of the run, the next run finishes the rotation: every generation
    /// under its exact bytes, every line once, nothing temporary left.
    @Test func aCrashAtEveryPointIsFinishedByTheNextRunUnderTheExactBytes() throws {
        let (probe, probeConf) = Self.crashTree()
        let counted = Hostile.rotatectl(["run", "-s", probe.child("state"), probeConf],
                                        environment: ["ROTATECTL_CRASH_COUNT": probe.child("count")])
        #expect(counted.status == 0, "\(counted.stderr)")
        let points = try #require(Int((TestFile.text(probe.child("count")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)))
        try #require(points > 5)
        let app = RawNames.hostile[0], cut = RawNames.hostile[1]
        let gz = { (n: [UInt8], k: Int) in n + Array(".\(k).gz".utf8) }
        for point in 1...points {
            let (t, conf) = Self.crashTree()
            let logs = t.child("logs")
            let crashed = Hostile.rotatectl(["run", "-s", t.child("state"), conf], environment: ["ROTATECTL_CRASH_AT": String(point)])
            #expect(crashed.status == 137, "point \(point): \(crashed.stderr)")
            let r = Hostile.rotatectl(["run", "-s", t.child("state"), conf])
            #expect(r.status == 0, "point \(point): \(r.stderr)")
            #expect(RawNames.visible(logs) == [app, gz(app, 1), gz(app, 2), cut, gz(cut, 1)],
                    "point \(point): \(RawNames.visible(logs).map { FileNameEncoding.display(bytes: $0) }.sorted())")
            #expect(RawNames.gunzip(logs, gz(app, 1)) == Harness.lines("app", 1...300), "point \(point)")
            #expect(RawNames.gunzip(logs, gz(app, 2)) == Harness.lines("old", 1...100), "point \(point)")
            #expect(RawNames.gunzip(logs, gz(cut, 1)) == Harness.lines("cut", 1...50), "point \(point)")
            #expect(TestFile.readRaw(logs, app) == "" && TestFile.readRaw(logs, cut) == "", "point \(point)")
            let hidden = RawNames.list(logs).subtracting(RawNames.visible(logs)).map { String(decoding: $0, as: UTF8.self) }
            #expect(!hidden.contains { $0.hasPrefix(".rotatectl-tmp") || $0 == ".rotatectl.journal" }, "point \(point): \(hidden)")
            t.remove()
        }
        probe.remove()
    }
}
