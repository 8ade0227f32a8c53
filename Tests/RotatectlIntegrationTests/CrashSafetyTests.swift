import Foundation
import Testing
import TestSupport

/// Kill the run at every crash point of realistic rotations, run again, and check that the job is
/// finished: every line exactly once, every .gz and .zst valid, nothing temporary left, the same names as an
/// uninterrupted run.
@Suite struct CrashSafetyTests {
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var config: String
        var files: [String: String]
        /// Lines may be dropped by design (maxtotalsize): then only duplicates are checked.
        var lossAllowed = false
        /// Check the byte stream instead of lines: these files, oldest first, must concatenate to the
        /// original (copytruncate may split a line across the copy and the live log).
        var stream: [String] = []
        var testDescription: String { name }
    }

    static let big = Harness.lines("line", 1...30_000)
    static let streamOriginal = big

    static let scenarios: [Scenario] = [
        Scenario(name: "numbered chain with compress and create", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 3
                compress
                create 0640
            }
            """, files: ["logs/a.log": big, "logs/b.log": Harness.lines("b", 1...500),
                         "logs/a.log.1.gz": "", "logs/a.log.2.gz": ""]),
        Scenario(name: "delaycompress", config: """
            @DIR@/logs/app.log {
                size 1
                rotate 4
                compress
                delaycompress
                create
            }
            """, files: ["logs/app.log": big, "logs/app.log.1": Harness.lines("old1", 1...2000), "logs/app.log.2.gz": ""]),
        Scenario(name: "olddir with createolddir", config: """
            @DIR@/logs/app.log {
                size 1
                rotate 2
                olddir archive
                createolddir 0750
                compress
                create
            }
            """, files: ["logs/app.log": big]),
        Scenario(name: "dateext", config: """
            @DIR@/logs/app.log {
                size 1
                rotate 2
                dateext
                dateformat -%Y%m%d
                compress
                create
            }
            """, files: ["logs/app.log": big]),
        Scenario(name: "copytruncate", config: """
            @DIR@/logs/app.log {
                size 100k
                rotate 2
                copytruncate
                compress
            }
            """, files: ["logs/app.log": big], stream: ["logs/app.log.1.gz", "logs/app.log"]),
        Scenario(name: "maxtotalsize", config: """
            @DIR@/logs/app.log {
                size 1
                rotate 5
                compress
                create
                maxtotalsize 1k
            }
            """, files: ["logs/app.log": big, "logs/app.log.1.gz": "", "logs/app.log.2.gz": ""], lossAllowed: true),
        Scenario(name: "many logs, committed as a group (syncfs)", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 2
                compress
                create
            }
            """, files: Dictionary(uniqueKeysWithValues: (0..<20).map { ("logs/m\($0).log", Harness.lines("m\($0)", 1...300)) })),
        // Issue 16, point 3: with the previous generation's .1.gz present, a crash after the journal was
        // written left recovery finding that .1.gz before replaying the chain shift, skipping the copy,
        // and removing the only copy of the log (renamecopy) or losing the rotation (copy, copytruncate).
        Scenario(name: "renamecopy, compress, existing .1.gz", config: """
            @DIR@/logs/app.log {
                size 1
                rotate 3
                renamecopy
                compress
                create
            }
            """, files: ["logs/app.log": big, "logs/app.log.1.gz": "", "logs/app.log.2.gz": ""]),
        Scenario(name: "copy, compress, existing .1.gz", config: """
            @DIR@/logs/app.log {
                daily
                rotate 3
                copy
                compress
            }
            """, files: ["logs/app.log": big, "logs/app.log.1.gz": "",
                         "state": "logrotate state -- version 2\n\"@DIR@/logs/app.log\" 2020-1-1-0:0:0\n"],
            stream: ["logs/app.log.1.gz"]),
        Scenario(name: "copytruncate, compress, existing .1.gz", config: """
            @DIR@/logs/app.log {
                size 100k
                rotate 3
                copytruncate
                compress
            }
            """, files: ["logs/app.log": big, "logs/app.log.1.gz": ""], stream: ["logs/app.log.1.gz", "logs/app.log"]),
        // Issue 16, point 15: one-log sets executed as one group (one journal for all, one state record).
        Scenario(name: "one-log sets executed as a group", config: (0..<6).map { i in """
            @DIR@/logs/g\(i).log {
                size 1
                rotate 3
                compress
                create
            }

            """ }.joined(), files: Dictionary(uniqueKeysWithValues: (0..<6).map { ("logs/g\($0).log", Harness.lines("g\($0)", 1...200)) })
                .merging(["logs/g0.log.1.gz": "", "logs/g2.log.1.gz": "", "logs/g2.log.2.gz": "", "logs/g5.log.1.gz": ""]) { a, _ in a }),
        // Killed while shredding a compressed source: it is shredded under another name, so its
        // generation's name never holds half-overwritten bytes beside its .gz (which blocked the log).
        Scenario(name: "compress with shred", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 5
                compress
                shred
                create
            }
            """, files: ["logs/a.log": big, "logs/b.log": Harness.lines("b", 1...500), "logs/a.log.1.gz": ""]),
        Scenario(name: "scripts", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 2
                compress
                create
                sharedscripts
                prerotate
                    echo pre >> @DIR@/scripts.out
                endscript
                postrotate
                    echo post >> @DIR@/scripts.out
                endscript
            }
            """, files: ["logs/a.log": big, "logs/b.log": Harness.lines("b", 1...100)]),
        // Issue 20, section 2: zstd in-process, its outputs adopted after a crash only if they decompress
        // to their sources.
        Scenario(name: "zstd in-process (compressformat), numbered chain", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 3
                compress
                compressformat zstd 19
                create 0640
            }
            """, files: ["logs/a.log": big, "logs/b.log": Harness.lines("b", 1...500),
                         "logs/a.log.1.zst": "", "logs/a.log.2.zst": ""]),
        Scenario(name: "zstd in-process (compresscmd zstd), many logs committed as a group", config: """
            @DIR@/logs/*.log {
                size 1
                rotate 2
                compress
                compresscmd /usr/bin/zstd
                compressoptions -3 -T2
                compressext .zst
                delaycompress
                create
            }
            """, files: Dictionary(uniqueKeysWithValues: (0..<20).map { ("logs/z\($0).log", Harness.lines("z\($0)", 1...300)) })
                .merging((0..<20).map { ("logs/z\($0).log.1", Harness.lines("z\($0) old", 1...200)) }) { a, _ in a }),
        Scenario(name: "zstd in-process, copytruncate", config: """
            @DIR@/logs/app.log {
                size 100k
                rotate 2
                copytruncate
                compress
                compressformat zstd
            }
            """, files: ["logs/app.log": big], stream: ["logs/app.log.1.zst", "logs/app.log"]),
    ]

    /// Lays out a scenario; empty `.gz` and `.zst` placeholders become real gzip and zstd files of
    /// numbered lines.
    static func setUp(_ s: Scenario) -> (TempDirectory, String) {
        let t = TempDirectory("crash")
        for (name, content) in s.files.sorted(by: { $0.key < $1.key }) {
            if name.hasSuffix(".gz") && content.isEmpty {
                let plain = t.write(String(name.dropLast(3)), Harness.lines(name, 1...300))
                _ = Harness.run(["/bin/gzip", "-n", plain])
            } else if name.hasSuffix(".zst") && content.isEmpty {
                let plain = t.write(String(name.dropLast(4)), Harness.lines(name, 1...300))
                _ = Harness.run(["/usr/bin/zstd", "-q", "--rm", plain])
            } else {
                t.write(name, content.replacingOccurrences(of: "@DIR@", with: t.path))
            }
        }
        return (t, t.config(s.config))
    }

    static func run(_ t: TempDirectory, _ conf: String, crashAt: Int? = nil, count: String? = nil) -> ProcessResult {
        var env: [String: String] = [:]
        if let crashAt { env["ROTATECTL_CRASH_AT"] = String(crashAt) }
        if let count { env["ROTATECTL_CRASH_COUNT"] = count }
        return Harness.rotatectl(["run", "-s", t.child("state"), conf], environment: env)
    }

    /// Every line of every file under logs/, decompressed.
    static func allLines(_ t: TempDirectory) -> [String] {
        t.names(includingHidden: false).filter { $0.hasPrefix("logs/") }.flatMap { name -> [Substring] in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: t.child(name), isDirectory: &isDir)
            return isDir.boolValue ? [] : Harness.contents(t.child(name)).split(separator: "\n")
        }.map(String.init).sorted()
    }

    static func visibleNames(_ t: TempDirectory) -> [String] {
        t.names(includingHidden: false).filter { $0.hasPrefix("logs/") }
    }

    static func checkFinished(_ t: TempDirectory, _ s: Scenario, original: [String], expectedNames: [String],
                              _ context: String) {
        let leftovers = t.names().filter {
            $0.contains(".rotatectl-tmp") || $0.contains(".rotatectl-shred") || $0.contains(".rotatectl.journal")
        }
        #expect(leftovers.isEmpty, "\(s.name) \(context): left \(leftovers)")
        #expect(visibleNames(t) == expectedNames, "\(s.name) \(context)")
        for name in visibleNames(t) where name.hasSuffix(".gz") {
            #expect(CompressedFile.passesGzipTest(t.child(name)), "\(s.name) \(context): \(name) fails gzip -t")
        }
        for name in visibleNames(t) where name.hasSuffix(".zst") {
            #expect(CompressedFile.passesZstdTest(t.child(name)), "\(s.name) \(context): \(name) fails zstd -t")
        }
        let lines = allLines(t)
        if !s.stream.isEmpty {
            let joined = s.stream.map { Harness.contents(t.child($0)) }.joined()
            let same = joined == streamOriginal
            #expect(same, "\(s.name) \(context): the stream differs (\(joined.utf8.count) bytes)")
        } else if s.lossAllowed {
            #expect(Set(lines).count == lines.count, "\(s.name) \(context): duplicated lines")
        } else {
            let missing = Set(original).subtracting(lines).count
            let same = lines == original
            #expect(same, "\(s.name) \(context): \(lines.count) lines, expected \(original.count), \(missing) missing")
        }
    }

    /// The crash points of an uninterrupted run, and its resulting names.
    static func baseline(_ s: Scenario) -> (points: Int, names: [String], original: [String]) {
        let (t, conf) = setUp(s)
        let original = allLines(t)
        let countFile = t.child("points")
        let r = run(t, conf, count: countFile)
        #expect(r.status == 0, "\(s.name): \(r.stderr)")
        let points = Int((t.read("points") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (points, visibleNames(t), original)
    }

    @Test(arguments: scenarios)
    func killedAtEveryPointThenFinished(_ s: Scenario) {
        let (points, names, original) = Self.baseline(s)
        #expect(points > 3, "\(s.name): only \(points) crash points")
        for k in 1...max(points, 1) {
            let (t, conf) = Self.setUp(s)
            let crashed = Self.run(t, conf, crashAt: k)
            #expect(crashed.status == 137, "\(s.name) at \(k): \(crashed.status) \(crashed.stderr)")
            let again = Self.run(t, conf)
            #expect(again.status == 0, "\(s.name) after crash at \(k): \(again.stderr)")
            Self.checkFinished(t, s, original: original, expectedNames: names, "after crash at \(k)")
            let third = Self.run(t, conf)
            #expect(third.status == 0 && !third.stdout.contains("rename"), "\(s.name) at \(k): rotated twice: \(third.stdout)")
        }
    }

    @Test(arguments: [scenarios[0], scenarios[4]])
    func recoveryKilledToo(_ s: Scenario) {
        let (points, names, original) = Self.baseline(s)
        for k in stride(from: 2, through: points, by: 2) {
            let (t, conf) = Self.setUp(s)
            _ = Self.run(t, conf, crashAt: k)
            let countFile = t.child("points2")
            _ = Self.run(t, conf, crashAt: 1_000_000, count: countFile)
            // That run finished; count its points, then do it again from the same crash, killing recovery.
            let recoveryPoints = Int((t.read("points2") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            for j in 1...max(1, min(recoveryPoints, 6)) {
                let (u, conf2) = Self.setUp(s)
                _ = Self.run(u, conf2, crashAt: k)
                _ = Self.run(u, conf2, crashAt: j)
                let last = Self.run(u, conf2)
                #expect(last.status == 0, "\(s.name) crash \(k) then recovery crash \(j): \(last.stderr)")
                Self.checkFinished(u, s, original: original, expectedNames: names, "crash \(k), recovery crash \(j)")
            }
        }
    }

    /// Real SIGKILLs at random instants of a run that compresses ten 2 MiB logs.
    @Test func randomKills() throws {
        let trials = Int(ProcessInfo.processInfo.environment["ROTATECTL_SOAK_TRIALS"] ?? "") ?? 6
        try soak(logs: 10, lines: 110_000, trials: trials, killWithin: 5_000...600_000)
    }

    /// The same for a batch of 24 logs, which is committed through unnamed (`O_TMPFILE`) outputs in
    /// chunks of 5 (`ROTATECTL_COMPRESS_CHUNK`): killed between a link and its `syncfs`, or between a
    /// chunk and the removal of its sources, the next run still ends with each line once.
    @Test func randomKillsOfAChunkedBatch() throws {
        let trials = Int(ProcessInfo.processInfo.environment["ROTATECTL_SOAK_TRIALS"] ?? "").map { max(1, $0 / 2) } ?? 3
        try soak(logs: 24, lines: 80_000, trials: trials, killWithin: 5_000...450_000,   // the run takes about 0.5 s
                 environment: ["ROTATECTL_COMPRESS_CHUNK": "5"])
    }

    /// The same for 40 logs on two threads, whose compression begins while the set is still being
    /// renamed (`EarlyCompression`): killed among the renames, the state save or the commits, the next
    /// run still ends with each line once.
    @Test func randomKillsWhileCompressionOverlapsTheRenames() throws {
        let trials = Int(ProcessInfo.processInfo.environment["ROTATECTL_SOAK_TRIALS"] ?? "") ?? 6
        try soak(logs: 40, lines: 3_000, trials: trials, killWithin: 1_000...70_000, jobs: 2)   // the run takes about 80 ms
    }

    func soak(logs: Int, lines: Int, trials: Int, killWithin: ClosedRange<UInt32>,
              environment: [String: String] = [:], jobs: Int = 1) throws {
        var generator = SystemRandomNumberGenerator()
        let content = Harness.lines("x", 1...lines)
        for trial in 0..<trials {
            let t = TempDirectory("soak")
            for i in 0..<logs { t.write("logs/l\(i).log", content.replacingOccurrences(of: "x ", with: "l\(i) ")) }
            let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 2\n compress\n create\n}\n")
            let original = Self.allLines(t)
            let p = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "run", "-j", String(jobs), "-s", t.child("state"), conf],
                                                      output: "/dev/null", environment: environment))
            usleep(UInt32.random(in: killWithin, using: &generator))
            p.kill(SIGKILL)
            p.wait()
            let again = Self.run(t, conf)
            #expect(again.status == 0, "trial \(trial): \(again.stderr)")
            let names = Self.visibleNames(t)
            #expect(names == (0..<logs).map { "logs/l\($0).log" }.flatMap { [$0, $0 + ".1.gz"] }.sorted(), "trial \(trial): \(names)")
            let same = Self.allLines(t) == original
            #expect(same, "trial \(trial): lines differ")
            for n in names where n.hasSuffix(".gz") { #expect(CompressedFile.passesGzipTest(t.child(n))) }
        }
    }
}
