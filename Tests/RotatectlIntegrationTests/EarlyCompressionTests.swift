import Foundation
import RotationEngine
import Testing
import TestSupport

/// Compression that begins while a set's renames go on (`EarlyCompression`). The test holds the state
/// file's lock, so rotatectl stops after every rename, at the state save, before committing anything:
/// what it has open then shows whether the workers had started.
@Suite struct EarlyCompressionTests {
    static let logs = 40

    static func tree(_ t: TempDirectory) -> [String: [UInt8]] {
        mkdir(t.child("logs"), 0o755)
        var original: [String: [UInt8]] = [:]
        for i in 0..<logs {
            let text = Harness.lines("m\(i)", 1...400)
            t.write("logs/m\(i).log", text)
            original["m\(i).log"] = Array(text.utf8)
        }
        return original
    }

    /// Unnamed (`O_TMPFILE`) files the process has open in `dir`: outputs written but not committed.
    static func unnamedOutputs(_ pid: pid_t, in dir: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")
            else { return false }
            return target.hasPrefix(dir + "/#") && target.hasSuffix(" (deleted)")
        }.count
    }

    static func visible(_ t: TempDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: t.child("logs"))) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Runs `conf` while the state lock is held; `whileBlocked` sees the process stopped at the state
    /// save (every log renamed). Returns the run's output and status after the lock is let go.
    static func runHeldAtStateSave(_ t: TempDirectory, _ conf: String, whileBlocked: (pid_t) -> Void) throws -> (Int32, String) {
        let lock = try StateLock.acquire(statePath: t.child("state"))
        let out = t.child("run.out")
        let p = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "run", "--wait", "60", "-s", t.child("state"), conf],
                                                  output: out))
        // Stopped at the state save: every log has been renamed (the last one too).
        let renamed = eventually(timeout: 30) { t.exists("logs/m\(logs - 1).log.1") }
        #expect(renamed, "the renames never happened")
        if renamed { whileBlocked(p.pid) }
        lock.release()
        let status = p.wait()
        return (status, t.read("run.out") ?? "")
    }

    static func checkFinished(_ t: TempDirectory, _ original: [String: [UInt8]], _ status: Int32, _ output: String) {
        #expect(status == 0, "\(output)")
        #expect(visible(t) == original.keys.map { $0 + ".1.gz" }.sorted(), "\(output)")
        for (name, bytes) in original {
            #expect(CompressedFile.passesGzipTest(t.child("logs/\(name).1.gz")), "\(name)")
            #expect(CompressedFile.decompressed(t.child("logs/\(name).1.gz")) == bytes, "\(name)")
        }
    }

    @Test func workersCompressWhileTheSetIsStillBeingRotated() throws {
        let t = TempDirectory("rotatectl-early")
        defer { t.remove() }
        let original = Self.tree(t)
        let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 2\n compress\n}\n")
        let (status, output) = try Self.runHeldAtStateSave(t, conf) { pid in
            // Before the state is saved, outputs are already being written: the workers started on the
            // first logs as soon as they were renamed. Nothing is named yet.
            #expect(eventually(timeout: 30) { Self.unnamedOutputs(pid, in: t.child("logs")) > 0 },
                    "no output was written before the state save")
            #expect(!Self.visible(t).contains { $0.hasSuffix(".gz") }, "\(Self.visible(t))")
        }
        Self.checkFinished(t, original, status, output)
    }

    @Test func aPostrotateScriptHoldsCompressionBack() throws {
        let t = TempDirectory("rotatectl-early")
        defer { t.remove() }
        let original = Self.tree(t)
        // postrotate runs after the state save, and compression must see what the writers wrote before
        // they reopened: nothing may be compressed before the script has run. (sharedscripts: every log
        // is renamed before the one state save; without it the logs go one by one, as logrotate's do.)
        let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 2\n compress\n sharedscripts\n postrotate\n  true\n endscript\n}\n")
        let (status, output) = try Self.runHeldAtStateSave(t, conf) { pid in
            let started = eventually(timeout: 0.5) { Self.unnamedOutputs(pid, in: t.child("logs")) > 0 }
            #expect(!started, "an output was written before postrotate ran")
        }
        Self.checkFinished(t, original, status, output)
    }
}
