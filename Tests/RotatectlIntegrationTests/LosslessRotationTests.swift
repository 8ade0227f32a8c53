import Foundation
import Testing
import TestSupport

/// A real writer at a high line rate, rotated many times by the real `rotatectl run`, in each mode;
/// afterwards every line is counted across the live log and every generation.
@Suite(.serialized) struct LosslessRotationTests {
    static let writer = Paths.exampleWriter

    /// Starts the writer, runs `rotatectl run --force` `rounds` times, waits for the writer, and returns
    /// the line numbers found (sorted) with the number written.
    func rotateWhileWriting(_ t: TempDirectory, config: String, lines: Int, rate: Int, rounds: Int,
                            pidfile: Bool) throws -> (found: [Int], failures: [String]) {
        let conf = t.config(config)
        let p = try #require(SpawnedProcess.start([Self.writer, t.child("logs/app.log"), "\(lines)", "\(rate)"]
                                                  + (pidfile ? ["--pidfile", t.child("app.pid")] : [])))
        var failures: [String] = []
        for _ in 0..<200 where !(pidfile ? t.exists("app.pid") : t.exists("logs/app.log")) { usleep(10_000) }
        for round in 0..<rounds {
            usleep(150_000)
            let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
            if r.status != 0 { failures.append("round \(round): \(r.status) \(r.stderr)") }
        }
        p.wait()
        // One more rotation after the writer is done compresses whatever is still plain.
        _ = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        var found: [Int] = []
        for name in t.names(includingHidden: false) where name.hasPrefix("logs/") {
            if name.hasSuffix(".gz") && !CompressedFile.passesGzipTest(t.child(name)) { failures.append("\(name) fails gzip -t") }
            for line in Harness.contents(t.child(name)).split(separator: "\n") {
                found.append(line.hasPrefix("line ") ? Int(line.dropFirst(5)) ?? -1 : -1)
            }
        }
        return (found.sorted(), failures)
    }

    @Test func signalAndCompressLosesNothing() throws {
        let t = TempDirectory()
        mkdir(t.child("logs"), 0o755)
        let lines = 150_000
        let (found, failures) = try rotateWhileWriting(t, config: """
            @DIR@/logs/app.log {
                rotate 100
                compress
                create 0644
                pidfile @DIR@/app.pid
                signal HUP
            }
            """, lines: lines, rate: 50_000, rounds: 12, pidfile: true)
        #expect(failures.isEmpty, "\(failures)")
        let exact = found == Array(1...lines)
        #expect(exact, "\(found.count) lines found of \(lines); \(Set(1...lines).subtracting(found).count) missing")
        #expect(t.names().filter { $0.hasSuffix(".gz") }.count >= 10)
    }

    @Test func copytruncateLosesNothing() throws {
        let t = TempDirectory()
        mkdir(t.child("logs"), 0o755)
        let lines = 150_000
        let (found, failures) = try rotateWhileWriting(t, config: """
            @DIR@/logs/app.log {
                rotate 100
                compress
                copytruncate
            }
            """, lines: lines, rate: 50_000, rounds: 12, pidfile: false)
        #expect(failures.isEmpty, "\(failures)")
        // copytruncate cuts on block boundaries: a line split across a generation and the next is two
        // fragments; reassemble by concatenating generations oldest first with the live log.
        var stream = ""
        let gens = t.names(includingHidden: false).filter { $0.hasPrefix("logs/app.log.") }
            .sorted { (Int($0.split(separator: ".")[2]) ?? 0) > (Int($1.split(separator: ".")[2]) ?? 0) }
        for g in gens { stream += Harness.contents(t.child(g)) }
        stream += Harness.contents(t.child("logs/app.log"))
        let numbers = stream.split(separator: "\n").map { $0.hasPrefix("line ") ? Int($0.dropFirst(5)) ?? -1 : -1 }
        let exact = numbers == Array(1...lines)
        #expect(exact, "\(numbers.count) lines in the reassembled stream of \(lines); first fragments: \(found.filter { $0 < 0 }.count)")
    }

    @Test func twoConcurrentRunsBothFinishLosingNothing() throws {
        let t = TempDirectory()
        for i in 0..<40 { t.write("logs/l\(i).log", Harness.lines("l\(i)", 1...5000)) }
        let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 3\n compress\n create\n}\n")
        let before = CrashSafetyTests.allLines(t)
        let runs = try (0..<2).map { _ in
            try #require(SpawnedProcess.start([PackagePaths.rotatectl, "run", "-s", t.child("state"), conf], output: "/dev/null"))
        }
        let statuses = runs.map { $0.wait() }
        #expect(statuses.allSatisfy { $0 == 0 })
        let after = CrashSafetyTests.allLines(t)
        let same = after == before
        #expect(same, "lines differ after two concurrent runs")
        let names = CrashSafetyTests.visibleNames(t)
        #expect(names == (0..<40).map { "logs/l\($0).log" }.flatMap { [$0, $0 + ".1.gz"] }.sorted())
    }
}
