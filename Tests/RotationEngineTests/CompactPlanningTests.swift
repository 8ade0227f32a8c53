import Testing
@testable import RotationEngine

/// The compact structures that keep a glob of 100,000 logs in bounded memory: `Listing`,
/// `PackedStatus`, `StateTable`, `Claims`, grouped glob matches and idle decisions left out.
@Suite struct CompactPlanningTests {
    static let odd = FileStatus(kind: .fifo, size: 1 << 40, mode: 0o4755, uid: 4_000_000_000, gid: 7,
                                linkCount: 65_000, device: 0xFFFF_0000_1234, inode: .max - 1,
                                modified: Timestamp(seconds: -86_400, nanoseconds: 999_999_999),
                                accessed: Timestamp(seconds: 4_102_444_800, nanoseconds: 1))

    @Test func packedStatusRoundTripsEveryField() {
        for kind in [FileStatus.Kind.regular, .directory, .symlink, .fifo, .socket, .other] {
            var s = Self.odd
            s.kind = kind
            #expect(PackedStatus(s).status == s)
        }
        #expect(MemoryLayout<PackedStatus>.stride <= 64)
    }

    @Test func listingKeepsNamesSortedAndFindsByName() {
        var l: Listing = ["b.log": FileStatus(size: 2), "a.log": FileStatus(size: 1), "c": Self.odd]
        #expect(l.names == ["a.log", "b.log", "c"])
        #expect(l["b.log"]?.size == 2)
        #expect(l["c"] == Self.odd)
        #expect(l["zzz"] == nil)
        l["aa.log"] = FileStatus(size: 9)
        l["b.log"] = nil
        l["c"] = FileStatus(size: 3)
        l["missing"] = nil
        #expect(l.names == ["a.log", "aa.log", "c"])
        #expect(l.map(\.status.size) == [1, 9, 3])
        #expect(l.count == 3 && l.keys == l.names)
    }

    @Test func listingBuiltFromRawNamesSortsByBytesAndAsksForEachStatusOnceInOrder() {
        var builder = Listing.Builder()
        for name in ["z", "m", "a", "m", "gone", "é", "Z", "a.log"] {
            Array(name.utf8).withUnsafeBufferPointer { builder.append($0) }
        }
        var asked: [String] = []
        let l = builder.finish { (name: UnsafePointer<CChar>) throws(Never) -> FileStatus? in
            let n = String(cString: name)
            asked.append(n)
            return n == "gone" ? nil : FileStatus(size: Int64(n.utf8.count))
        }
        #expect(asked == ["Z", "a", "a.log", "gone", "m", "z", "é"])
        #expect(l.names == ["Z", "a", "a.log", "m", "z", "é"])
        #expect(l["é"]?.size == 2)
        #expect(l["gone"] == nil)
        #expect(l.index(of: "m") == 3 && l.name(at: 3) == "m" && l.status(at: 3).size == 1)
        #expect(l == Listing(l.map { ($0.name, $0.status) }))
    }

    @Test func listingEntriesWithPrefixAreExactlyThoseThatStartWithIt() {
        var names: [(String, FileStatus)] = []
        for n in ["app.log", "app.log.1", "app.log.2.gz", "app.logx", "app-2.log", "apq", "ap", "b"] {
            names.append((n, FileStatus()))
        }
        let l = Listing(names)
        #expect(Set(l.entries(prefix: "app.log").keys) == ["app.log", "app.log.1", "app.log.2.gz", "app.logx"])
        #expect(Set(l.entries(prefix: "ap").keys) == ["app.log", "app.log.1", "app.log.2.gz", "app.logx", "app-2.log", "apq", "ap"])
        #expect(l.entries(prefix: "c").isEmpty)
        #expect(l.entries(prefix: "").count == names.count)
    }

    @Test func globGroupsByDirectoryInGlobOrderAndSharesTheListingNames() {
        let listings: [String: Listing] = [
            "/": ["srv": FileStatus(kind: .directory)],
            "/srv": ["b": FileStatus(kind: .directory), "a": FileStatus(kind: .directory),
                     "a-z": FileStatus(kind: .directory), "f.log": FileStatus()],
            "/srv/a": ["x.log": FileStatus(), "w.log": FileStatus(), ".h.log": FileStatus()],
            "/srv/a-z": ["y.log": FileStatus()],
            "/srv/b": ["x.log": FileStatus(), "z.txt": FileStatus()],
        ]
        let groups = Glob.expandByDirectory("/srv/*/*.log") { listings[$0] }
        // "/srv/a-z/" sorts before "/srv/a/" ('-' < '/'), as the full paths do.
        #expect(groups.map(\.directory) == ["/srv/a-z", "/srv/a", "/srv/b"])
        #expect(groups.flatMap(\.paths) == groups.flatMap(\.paths).sorted())
        #expect(groups.flatMap(\.paths) == ["/srv/a-z/y.log", "/srv/a/w.log", "/srv/a/x.log", "/srv/b/x.log"])
        #expect(Glob.expand("/srv/*/*.log") { listings[$0] } == groups.flatMap(\.paths))
        #expect(Glob.expandByDirectory("/srv/a/x.log") { listings[$0] } == [GlobMatch(directory: "/srv/a", names: ["x.log"])])
        #expect(Glob.expandByDirectory("/srv/a/nope.log") { listings[$0] }.isEmpty)
        let l: Listing = ["a.log": FileStatus(), "b.txt": FileStatus(), "c.log": FileStatus(), ".d.log": FileStatus()]
        #expect(l.indices(matching: "*.log").map { l.name(at: Int($0)) } == ["a.log", "c.log"])
        #expect(l.indices(matching: ".*").map { l.name(at: Int($0)) } == [".d.log"])
        #expect(l.indices(matching: "*.gz").isEmpty)
        let match = GlobMatch(directory: "/d", listing: l, indices: l.indices(matching: "*.log"))
        #expect(match.count == 2 && match.names == ["a.log", "c.log"] && match.status(1) == FileStatus())
        #expect(match == GlobMatch(directory: "/d", names: ["a.log", "c.log"]))
        #expect(GlobMatch(directory: "/d", names: ["x"]).status(0) == nil)
    }

    @Test func relativeMatchesAreSpelledAsGlobSpellsThem() {
        #expect(GlobMatch(directory: ".", names: ["a.log"]).paths == ["a.log"])
        #expect(GlobMatch(directory: "./sub", names: ["a.log"]).paths == ["sub/a.log"])
        #expect(GlobMatch(directory: "/", names: ["a.log"]).paths == ["/a.log"])
    }

    @Test func stateTableBehavesAsADictionary() {
        var t = StateTable()
        var d: [String: Int64] = [:]
        var rng = SystemRandomNumberGenerator()
        // Enough entries to rehash several times, with removals and re-insertions.
        for i in 0..<5_000 {
            let key = "/var/log/app-\(i % 3_000)-\(String(repeating: "é", count: i % 5)).log"
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: t[key] = nil; d[key] = nil
            default: t[key] = Int64(i); d[key] = Int64(i)
            }
            #expect(t[key] == d[key])
        }
        #expect(t.count == d.count)
        #expect(t.dictionary == d)
        #expect(t == d && d == t)
        #expect(Set(t.keys) == Set(d.keys))
        var changed = t
        changed["/new"] = 1
        #expect(changed != t)
        changed["/new"] = nil
        #expect(changed == t)
        for name in HostileNames.all { t[name] = 42 }
        for name in HostileNames.all { #expect(t[name] == 42, "\(name.debugDescription)") }
    }

    @Test func stateTableSpansPagesAndKeepsPathsLongerThanAPage() {
        var t = StateTable()
        var d: [String: Int64] = [:]
        let huge = "/" + String(repeating: "h", count: 3 << 19)   // a hostile state line of 1.5 MiB
        for i in 0..<3_000 {
            let path = "/var/log/\(i)/" + String(repeating: "x", count: 500)   // 3,000 of them span two pages
            t[path] = Int64(i); d[path] = Int64(i)
            if i == 1_500 { t[huge] = -1; d[huge] = -1; t[""] = 7; d[""] = 7 }
        }
        #expect(t.count == 3_002)
        #expect(t[huge] == -1 && t[""] == 7 && t["/var/log/2999/" + String(repeating: "x", count: 500)] == 2_999)
        #expect(t.dictionary == d)
        var sorted: [String] = []
        t.forEachSortedByPath { (p: String, _: Int64) throws(Never) in sorted.append(p) }
        #expect(sorted == d.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func stateTableIteratesSortedByPathBytes() {
        let t: StateTable = ["/b": 2, "/a/z": 1, "/a": 0, "/é": 4, "/Z": 3]
        var seen: [String] = []
        t.forEachSortedByPath { (p: String, _: Int64) throws(Never) in seen.append(p) }
        #expect(seen == ["/Z", "/a", "/a/z", "/b", "/é"])
        #expect(seen == seen.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    @Test func chunkedStateEncodingEqualsTheWholeFile() {
        var entries: [String: Int64] = [:]
        for (i, name) in HostileNames.all.enumerated() { entries[name] = 1_764_572_400 - Int64(i) * 3_607 }
        for i in 0..<300 { entries["/var/log/f\(i).log"] = Int64(i) * 86_400 }
        for format in [StateFormat.rotatectl, .logrotate] {
            let whole = StateCodec.encode(entries, format: format)
            var chunks: [[UInt8]] = []
            StateCodec.encode(StateTable(entries), format: format, chunkSize: 100) { (c: [UInt8]) throws(Never) in chunks.append(c) }
            #expect(chunks.count > 10)
            #expect(chunks.allSatisfy { !$0.isEmpty })
            #expect(Array(chunks.joined()) == whole)
            #expect(StateCodec.decode(whole, path: "S").entries.count == entries.count - (format == .logrotate ? HostileNames.all.filter { $0.utf8.contains(0) }.count : 0))
        }
    }

    @Test func claimsKeepTheFirstSetsFlag() {
        let l: Listing = ["a": FileStatus(), "b": FileStatus(), "c": FileStatus(), "d": FileStatus()]
        var claimed = Claims()
        #expect(claimed.flag("/d", 0) == nil)
        claimed.claim(GlobMatch(directory: "/d", listing: l, indices: [0, 2]), flag: true)
        claimed.claim(GlobMatch(directory: "/d", listing: l, indices: [0, 1]), flag: false)
        claimed.claim("/d", 3, count: l.count, flag: false)
        claimed.claim("/e", 0, count: 1, flag: false)
        #expect(claimed.flag("/d", 0) == true)
        #expect(claimed.flag("/d", 1) == false)
        #expect(claimed.flag("/d", 2) == true)
        #expect(claimed.flag("/d", 3) == false)
        #expect(claimed.flag("/d", 9) == nil)
        #expect(claimed.flag("/e", 0) == false)
        #expect(claimed.flag("/f", 0) == nil)
    }

    @Test func idleDecisionsAreLeftOutOnlyWhenAsked() {
        var w = PlannerWorld()
        for i in 0..<50 { w.file("/var/log/idle\(i).log", size: 10) }
        w.file("/var/log/big.log", size: 5 << 20)
        w.state["/var/log/idle0.log"] = w.now - 3_600
        let c = logSet(["/var/log/*.log", "/var/log/missing.log"]) { $0.size = 1 << 20 }
        var input = PlannerInput(logSets: [c], snapshot: w.snapshot, state: w.state, now: w.now, timeZone: PlannerWorld.utc)
        let full = Planner(input).plan()[0]
        input.keepIdleDecisions = false
        let lean = Planner(input).plan()[0]
        #expect(full.decisions.count == 52)
        // The due log and the missing one (an error) stay; the 50 idle ones go.
        #expect(lean.decisions.map(\.path) == ["/var/log/missing.log", "/var/log/big.log"])
        #expect(lean.units == full.units)
        #expect(lean.rotatedPaths == ["/var/log/big.log"])
        // Logs seen for the first time are still recorded, by directory.
        #expect(lean.newStatePaths == full.newStatePaths)
        #expect(lean.newStatePaths.count == 49)
        #expect(!lean.newStatePaths.contains("/var/log/idle0.log"))
        #expect(lean.newStateLogs.allSatisfy { $0.directory == "/var/log" && $0.listing.count == 51 })
    }
}
