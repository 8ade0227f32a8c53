#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `rotatectl watch` end to end: the built binary on real directories, real writers and signals.
@Suite(.serialized) struct WatchTests {
    static func sizeConfig(_ scratch: TempDirectory, maxsize: String = "20k", rotate: Int = 1000) -> String {
        scratch.config("""
            @DIR@/logs/*.log {
                maxsize \(maxsize)
                size 1G
                rotate \(rotate)
                missingok
            }
            """)
    }

    static func makeLogs(_ scratch: TempDirectory) -> String {
        mkdir(scratch.child("logs"), 0o755)
        return scratch.child("logs")
    }

    @Test func aLogPastMaxsizeIsRotatedWithinASecond() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        LineAppender.append(logs + "/app.log", "first\n")
        let watcher = try #require(RunningWatcher.start(scratch, config: Self.sizeConfig(scratch), state: scratch.child("state")))
        #expect(eventually(timeout: 5) { TestFile.text(scratch.child("state"))?.contains("app.log") == true })
        LineAppender.append(logs + "/app.log", String(repeating: "x", count: 25_000) + "\n")
        let crossed = monotonicNow()
        #expect(eventually(timeout: 5) { access(logs + "/app.log.1", F_OK) == 0 })
        let delay = monotonicNow() - crossed
        #expect(delay < 1, "rotated \(delay) s after crossing maxsize")
        #expect(watcher.stop() == 0)
        #expect(watcher.has(event: "stopping"))
        #expect(access(scratch.child("state.watch"), F_OK) != 0)
    }

    @Test func aNewFileMatchingTheGlobIsFollowed() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        let watcher = try #require(RunningWatcher.start(scratch, config: Self.sizeConfig(scratch), state: scratch.child("state")))
        defer { _ = watcher.stop() }
        LineAppender.append(logs + "/new.log", "hello\n")
        #expect(eventually(timeout: 5) { TestFile.text(scratch.child("state"))?.contains("new.log") == true })
        LineAppender.append(logs + "/new.log", String(repeating: "y", count: 25_000) + "\n")
        #expect(eventually(timeout: 5) { access(logs + "/new.log.1", F_OK) == 0 })
    }

    @Test func aDirectoryAppearingUnderAGlobIsWatched() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        let config = scratch.config("@DIR@/logs/*/svc.log {\n maxsize 20k\n size 1G\n rotate 3\n missingok\n}\n")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: scratch.child("state")))
        defer { _ = watcher.stop() }
        mkdir(logs + "/one", 0o755)
        LineAppender.append(logs + "/one/svc.log", "a\n")
        #expect(eventually(timeout: 5) { TestFile.text(scratch.child("state"))?.contains("one/svc.log") == true })
        LineAppender.append(logs + "/one/svc.log", String(repeating: "z", count: 25_000) + "\n")
        #expect(eventually(timeout: 5) { access(logs + "/one/svc.log.1", F_OK) == 0 })
    }

    /// The debug clock (`ROTATECTL_NOW`) starts three seconds before an hour and runs on: the hourly
    /// log is rotated at the hour, not before.
    @Test func anHourlyLogIsRotatedAtTheHour() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        LineAppender.append(logs + "/app.log", "line\n")
        let hour: Int64 = 1_800_000_000 - 1_800_000_000 % 3600 + 3600
        let config = scratch.config("@DIR@/logs/app.log {\n hourly\n rotate 5\n}\n")
        let started = monotonicNow()
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: scratch.child("state"),
                                                        environment: ["ROTATECTL_NOW": "\(hour - 3)"]))
        defer { _ = watcher.stop() }
        #expect(eventually(timeout: 10) { access(logs + "/app.log.1", F_OK) == 0 })
        let elapsed = monotonicNow() - started
        #expect(elapsed >= 2.5 && elapsed < 5, "rotated \(elapsed) s after a start 3 s before the hour")
    }

    @Test func sighupWithAnInvalidConfigurationKeepsTheOldOne() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        let config = Self.sizeConfig(scratch)
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: scratch.child("state")))
        defer { _ = watcher.stop() }
        scratch.config("@DIR@/logs/*.log {\n maxsize twenty\n}\n")
        watcher.process.kill(SIGHUP)
        #expect(eventually(timeout: 5) { watcher.has(code: "watch-config-kept") })
        LineAppender.append(logs + "/app.log", String(repeating: "x", count: 25_000) + "\n")
        #expect(eventually(timeout: 5) { access(logs + "/app.log.1", F_OK) == 0 })
        // A valid one is taken: the cap rises, and a log of 25 kB stays.
        scratch.config("@DIR@/logs/*.log {\n maxsize 1M\n size 1G\n rotate 1000\n missingok\n}\n")
        watcher.process.kill(SIGHUP)
        #expect(eventually(timeout: 5) { watcher.has(event: "reloaded") })
        LineAppender.append(logs + "/app.log", String(repeating: "x", count: 25_000) + "\n")
        sleepSeconds(1)
        #expect(access(logs + "/app.log.2", F_OK) != 0)
    }

    @Test func statusShowsTheRunningWatcherAndASecondOneIsRefused() throws {
        let scratch = TempDirectory()
        _ = Self.makeLogs(scratch)
        let config = Self.sizeConfig(scratch)
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        let status = Harness.rotatectl(["status", "--json", "-s", state, config])
        let json = try #require((try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) as? [String: Any])
        let shown = try #require(json["watcher"] as? [String: Any])
        #expect(shown["pid"] as? Int == Int(watcher.process.pid))
        let second = Harness.rotatectl(["watch", "--json", "-s", state, config])
        #expect(second.status == 3)
        #expect(second.stdout.contains("watch-busy"))
        #expect(watcher.stop() == 0)
        let after = Harness.rotatectl(["status", "-s", state, config])
        #expect(!after.stdout.contains("watcher:"))
    }

    /// `run` from cron and `watch` at once on one set, while a writer appends numbered lines: every
    /// line is in the set's files exactly once.
    @Test func runAndWatchAtOnceLoseNothingAndDoubleNothing() throws {
        let scratch = TempDirectory()
        let logs = Self.makeLogs(scratch)
        let config = Self.sizeConfig(scratch, maxsize: "4k")
        let state = scratch.child("state")
        let watcher = try #require(RunningWatcher.start(scratch, config: config, state: state))
        let total = 4000
        let finished = Flag()
        let writer = BackgroundThread {
            defer { finished.set() }
            for i in 0..<total {
                LineAppender.append(logs + "/app.log", "line \(i) " + String(repeating: "w", count: 40) + "\n")
                usleep(500)
            }
        }
        var runs = 0
        let deadline = monotonicNow() + 60
        while runs < 1000 && !finished.value && monotonicNow() < deadline {
            let r = Harness.rotatectl(["run", "-s", state, config])
            #expect(r.status == 0, "\(r.stderr)")
            runs += 1
        }
        writer.join()
        sleepSeconds(0.5)
        #expect(watcher.stop() == 0)
        let census = LineAppender.census(logs, prefix: "app.log")
        #expect(census.count == total, "\(total - census.count) lines lost")
        #expect(census.values.allSatisfy { $0 == 1 }, "lines doubled: \(census.filter { $0.value > 1 }.count)")
        #expect(census.keys.contains("line \(total - 1) " + String(repeating: "w", count: 40)))
        let generations = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).filter { $0.hasPrefix("app.log.") }
        #expect(generations.count >= 10, "only \(generations.count) rotations")
        #expect(runs >= 3, "only \(runs) runs beside the watcher")
    }

    /// sd_notify: READY=1 once watching, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM,
    /// each a datagram to the socket NOTIFY_SOCKET names (here one the test binds).
    @Test func systemdIsToldReadyWatchdogAndStopping() throws {
        let scratch = TempDirectory()
        _ = Self.makeLogs(scratch)
        let socketPath = scratch.child("notify")
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in socketPath.utf8.enumerated() { p[i] = b } }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let output = scratch.child("watch.jsonl")
        let process = try #require(SpawnedProcess.start(
            [PackagePaths.rotatectl, "watch", "--json", "-s", scratch.child("state"), Self.sizeConfig(scratch)], output: output,
            environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "400000"], removing: ["ROTATECTL_LOCKED_DIRS", "WATCHDOG_PID"]))
        var messages: [String] = []
        func receive(until done: () -> Bool, seconds: Double) {
            let deadline = monotonicNow() + seconds
            var buffer = [UInt8](repeating: 0, count: 512)
            while !done() && monotonicNow() < deadline {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n > 0 { messages.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
            }
        }
        receive(until: { messages.filter { $0 == "WATCHDOG=1" }.count >= 3 }, seconds: 10)
        #expect(messages.first?.hasPrefix("READY=1") == true, "\(messages)")
        #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 3, "\(messages)")
        process.kill(SIGTERM)
        receive(until: { messages.contains("STOPPING=1") }, seconds: 10)
        #expect(process.wait() == 0)
        #expect(messages.contains("STOPPING=1"), "\(messages)")
    }
}

/// A flag one thread sets and another reads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    var value: Bool { lock.lock(); defer { lock.unlock() }; return raised }
    func set() { lock.lock(); raised = true; lock.unlock() }
}
