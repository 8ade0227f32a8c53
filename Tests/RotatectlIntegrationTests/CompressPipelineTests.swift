import Foundation
import Testing
import TestSupport

/// The compression batch of the real binary, committed chunk by chunk (`ROTATECTL_COMPRESS_CHUNK`), with
/// `O_TMPFILE` outputs and with the named-temporary fallback (`ROTATECTL_NO_TMPFILE=1`): complete
/// outputs only, nothing temporary left, every line kept, even when killed at every crash point.
@Suite struct CompressPipelineTests {
    static let config = """
        @DIR@/logs/*.log {
            size 1
            rotate 2
            compress
            create
        }
        """

    static func setUp(_ logs: Int, lines: Int = 200) -> (TempDirectory, String, [String]) {
        let t = TempDirectory("pipeline")
        var all: [String] = []
        for n in 0..<logs {
            let text = Harness.lines("log\(n) line", 1...lines)
            t.write("logs/l\(n).log", text)
            all += text.split(separator: "\n").map(String.init)
        }
        return (t, t.config(config), all.sorted())
    }

    static func environment(tmpfile: Bool, chunk: Int) -> [String: String] {
        var env = ["ROTATECTL_COMPRESS_CHUNK": String(chunk)]
        if !tmpfile { env["ROTATECTL_NO_TMPFILE"] = "1" }
        return env
    }

    static func allLines(_ t: TempDirectory) -> [String] {
        t.names(includingHidden: false).filter { $0.hasPrefix("logs/") && !$0.hasSuffix("/") }
            .flatMap { Harness.contents(t.child($0)).split(separator: "\n") }.map(String.init).sorted()
    }

    static func temporaries(_ t: TempDirectory) -> [String] {
        t.names().filter { $0.contains(".rotatectl-tmp") }
    }

    /// Exit 0, every log compressed once into a valid .gz, nothing else left.
    static func checkDone(_ t: TempDirectory, logs: Int, original: [String], _ context: String) {
        let visible = t.names(includingHidden: false).filter { $0.hasPrefix("logs/") }
        let expected = (0..<logs).flatMap { ["logs/l\($0).log", "logs/l\($0).log.1.gz"] }.sorted()
        #expect(visible == expected, "\(context)")
        #expect(temporaries(t).isEmpty, "\(context): left \(temporaries(t))")
        #expect(!t.exists("logs/.rotatectl.journal"), "\(context)")
        let gz = visible.filter { $0.hasSuffix(".gz") }.map { t.child($0) }
        #expect(Harness.run(["/bin/gzip", "-t"] + gz).status == 0, "\(context): gzip -t")
        #expect(allLines(t) == original, "\(context): lines lost or duplicated")
    }

    @Test(arguments: [true, false])
    func manyLogsCommittedInSeveralChunks(tmpfile: Bool) {
        let (t, conf, original) = Self.setUp(40)
        let r = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf], environment: Self.environment(tmpfile: tmpfile, chunk: 7))
        #expect(r.status == 0, "\(r.stderr)")
        let compressed = r.stdout.split(separator: "\n").filter { $0.hasPrefix("compress ") }
        #expect(compressed.count == 40, "one compress line per log: \(r.stdout)")
        Self.checkDone(t, logs: 40, original: original, tmpfile ? "O_TMPFILE" : "named temporaries")
    }

    /// Killed at every crash point, then run again: finished as if never interrupted. Killed right after
    /// a chunk's outputs were synced, the `O_TMPFILE` path has no temporary name on disk at all (its
    /// outputs have none until linked); the fallback has some (so both paths really ran).
    @Test(arguments: [true, false])
    func killedAtEveryPointOfAChunkedBatch(tmpfile: Bool) {
        let logs = 17   // a group commit (16 or more) in three chunks of 6, 6 and 5
        let env = Self.environment(tmpfile: tmpfile, chunk: 6)
        let (b, bconf, original) = Self.setUp(logs, lines: 50)
        let counted = Harness.rotatectl(["run", "-s", b.child("state"), bconf],
                                        environment: env.merging(["ROTATECTL_CRASH_COUNT": b.child("points")]) { $1 })
        #expect(counted.status == 0, "\(counted.stderr)")
        let points = Int((b.read("points") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(points > 3 * 3, "crash points: \(points)")
        var syncedPoints = 0
        var temporariesSeen = 0
        for k in 1...max(1, points) {
            let (t, conf, _) = Self.setUp(logs, lines: 50)
            let crashed = Harness.rotatectl(["run", "-s", t.child("state"), conf],
                                            environment: env.merging(["ROTATECTL_CRASH_AT": String(k)]) { $1 })
            #expect(crashed.status == 137, "at \(k): \(crashed.status) \(crashed.stderr)")
            if crashed.stderr.contains("(compressed outputs synced)") {
                syncedPoints += 1
                temporariesSeen += Self.temporaries(t).count
            }
            let again = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf], environment: env)
            #expect(again.status == 0, "after crash at \(k): \(again.stderr)")
            Self.checkDone(t, logs: logs, original: original, "\(tmpfile ? "O_TMPFILE" : "named") after crash at \(k)")
        }
        #expect(syncedPoints == 3, "one synced point per chunk")
        if tmpfile {
            #expect(temporariesSeen == 0, "O_TMPFILE outputs have no name before they are linked")
        } else {
            // Each chunk's outputs at least (workers may be writing the next chunk's already).
            #expect(temporariesSeen >= logs, "the fallback writes every output under a temporary name")
        }
    }

    /// 600 logs under a descriptor limit of 128: the batch keeps few outputs open at once.
    @Test func aLowDescriptorLimitStillCompressesEveryLog() {
        let logs = 600
        let (t, conf, original) = Self.setUp(logs, lines: 3)
        let r = Harness.run(["/bin/sh", "-c", "ulimit -n 128 && exec \"$0\" run -s \"$1\" \"$2\"", PackagePaths.rotatectl, t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr.prefix(2000))")
        Self.checkDone(t, logs: logs, original: original, "ulimit -n 128")
    }

    /// Retention on many logs at once (each drops its oldest generation; the unlinks run side by side),
    /// killed at every crash point: the kept generations are exactly the expected ones.
    @Test func retentionRemovalsOfManyLogsKilledAtEveryPoint() {
        let logs = 5
        func setUp() -> (TempDirectory, String) {
            let t = TempDirectory("retention")
            for n in 0..<logs {
                t.write("logs/r\(n).log", Harness.lines("r\(n) current", 1...40))
                for g in 1...2 {
                    let plain = t.write("logs/r\(n).log.\(g)", Harness.lines("r\(n) gen\(g)", 1...40))
                    _ = Harness.run(["/bin/gzip", "-n", plain])
                }
            }
            return (t, t.config("""
                @DIR@/logs/*.log {
                    size 1
                    rotate 2
                    compress
                    missingok
                }
                """))
        }
        func checkDone(_ t: TempDirectory, _ context: String) {
            let expected = (0..<logs).flatMap { ["logs/r\($0).log.1.gz", "logs/r\($0).log.2.gz"] }.sorted()
            #expect(t.names(includingHidden: false).filter { $0.hasPrefix("logs/") } == expected, "\(context)")
            #expect(Self.temporaries(t).isEmpty, "\(context)")
            for n in 0..<logs {
                #expect(Harness.contents(t.child("logs/r\(n).log.1.gz")) == Harness.lines("r\(n) current", 1...40), "\(context) r\(n) .1")
                #expect(Harness.contents(t.child("logs/r\(n).log.2.gz")) == Harness.lines("r\(n) gen1", 1...40), "\(context) r\(n) .2")
            }
        }
        let (b, bconf) = setUp()
        let r = Harness.rotatectl(["run", "-v", "-s", b.child("state"), bconf], environment: ["ROTATECTL_CRASH_COUNT": b.child("points")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("remove ") }.count == logs, "\(r.stdout)")
        checkDone(b, "uninterrupted")
        let points = Int((b.read("points") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        for k in 1...max(1, points) {
            let (t, conf) = setUp()
            let crashed = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf], environment: ["ROTATECTL_CRASH_AT": String(k)])
            #expect(crashed.status == 137, "at \(k): \(crashed.stderr)")
            let again = Harness.rotatectl(["run", "-s", t.child("state"), conf])
            #expect(again.status == 0, "after crash at \(k): \(again.stderr)")
            checkDone(t, "after crash at \(k)")
        }
    }

    /// A `compresscmd` batch (run one file at a time, writing into the same anonymous outputs).
    @Test(arguments: [true, false])
    func externalCompressorBatch(tmpfile: Bool) {
        let t = TempDirectory("pipeline-ext")
        for n in 0..<20 { t.write("logs/x\(n).log", Harness.lines("x\(n)", 1...30)) }
        let conf = t.config("""
            @DIR@/logs/*.log {
                size 1
                rotate 2
                compress
                compresscmd /bin/cat
                compressext .cat
            }
            """)
        let r = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf], environment: Self.environment(tmpfile: tmpfile, chunk: 8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.names(includingHidden: false).filter { $0.hasPrefix("logs/") } == (0..<20).map { "logs/x\($0).log.1.cat" }.sorted())
        #expect(Self.temporaries(t).isEmpty)
        for n in 0..<20 { #expect(t.read("logs/x\(n).log.1.cat") == Harness.lines("x\(n)", 1...30)) }
    }

    /// A group's `syncfs` fails (EIO, `ROTATECTL_SYNCFS_FAIL_AT`) after the chunk before it was named:
    /// those outputs stay next to their sources and the journal is kept; the next run checks each
    /// output against its source, syncs it and removes the source, and compresses the chunk whose
    /// outputs were dropped. Nothing is left to resolve by hand.
    @Test func aFailedGroupSyncIsFinishedByTheNextRun() {
        let (t, conf, original) = Self.setUp(40)
        defer { t.remove() }
        var env = Self.environment(tmpfile: true, chunk: 5)
        env["ROTATECTL_SYNCFS_FAIL_AT"] = "3"   // the sync of chunk 3's outputs and chunk 2's names
        let first = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf], environment: env)
        #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stderr.contains("syncfs") && first.stderr.contains("Input/output error"), "\(first.stderr)")
        let names = t.names(includingHidden: false).filter { $0.hasPrefix("logs/") }
        let plainBesideGz = names.filter { $0.hasSuffix(".log.1") && names.contains($0 + ".gz") }
        let plainAlone = names.filter { $0.hasSuffix(".log.1") && !names.contains($0 + ".gz") }
        #expect(plainBesideGz.count == 5, "chunk 2, named before the failed sync: \(plainBesideGz)")
        #expect(plainAlone.count == 5, "chunk 3, whose outputs were dropped: \(plainAlone)")
        #expect(t.exists("logs/.rotatectl.journal"), "the journal is kept for the next run")
        #expect(first.stderr.contains("kept, so that the next run finishes"), "\(first.stderr)")
        #expect(Self.allLines(t).count == original.count + 5 * 200,
                "every line still once in a plain file or a .gz, and twice only for chunk 2")

        let second = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf])
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("finished"), "\(second.stdout)")
        Self.checkDone(t, logs: 40, original: original, "after the next run")
    }
}
