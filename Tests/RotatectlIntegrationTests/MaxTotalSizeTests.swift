#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `maxtotalsize` between rotations, on disk: when a log that is not due has rotated files over the cap,
/// `run` trims them (oldest first, the newest kept) and `watch` does so as soon as they cross it; the
/// live log is not rotated, no script runs and the state keeps the log's last rotation.
@Suite(.serialized) struct MaxTotalSizeTests {
    /// app.log rotated seconds ago (not due under `daily`), four rotated files of 4,000 bytes each.
    static func layout(_ t: TempDirectory, generations: Int = 4) -> (config: String, state: String) {
        t.write("logs/app.log", "live line\n")
        for k in 1...max(1, generations) where generations > 0 {
            t.write("logs/app.log.\(k)", String(repeating: "\(k)", count: 3999) + "\n")
        }
        let c = FixedOffsetTime().civil(Int64(wallClockNow()) - 5)
        t.write("state", "logrotate state -- version 2\n\"\(t.child("logs/app.log"))\" \(c.year)-\(c.month)-\(c.day)-\(c.hour):\(c.minute):\(c.second)\n", mode: 0o600)
        let config = t.config("""
            @DIR@/logs/app.log {
                daily
                rotate 20
                maxtotalsize 10000
                postrotate
                    touch @DIR@/postrotate-ran
                endscript
            }
            """)
        return (config, t.child("state"))
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    @Test func runTrimsRotatedFilesOverTheCapWithoutRotatingTheLog() throws {
        let t = TempDirectory()
        let (config, state) = Self.layout(t)
        let before = TestFile.text(state) ?? ""
        let r = Harness.rotatectl(["run", "-v", "-s", state, config], environment: ["TZ": "UTC"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.exists(t.child("logs/app.log.1")) && Self.exists(t.child("logs/app.log.2")))
        #expect(!Self.exists(t.child("logs/app.log.3")) && !Self.exists(t.child("logs/app.log.4")), "the oldest were kept: \(r.stdout)")
        #expect(TestFile.text(t.child("logs/app.log")) == "live line\n", "the live log was touched")
        #expect(!Self.exists(t.child("postrotate-ran")), "a script ran for a trim")
        let line = { (text: String) in text.split(separator: "\n").first { $0.contains("app.log") }.map(String.init) }
        #expect(line(TestFile.text(state) ?? "") == line(before), "the state recorded a rotation")
        // Nothing is over the cap now: a second run does nothing.
        let again = Harness.rotatectl(["run", "-v", "-s", state, config], environment: ["TZ": "UTC"])
        #expect(again.status == 0)
        #expect(Self.exists(t.child("logs/app.log.2")))
        #expect(!again.stdout.contains("remove"), "\(again.stdout)")
    }

    @Test func watchTrimsAsSoonAsRotatedFilesCrossTheCap() throws {
        let t = TempDirectory()
        let (config, state) = Self.layout(t, generations: 2)
        let watcher = try #require(RunningWatcher.start(t, config: config, state: state))
        defer { _ = watcher.stop() }
        sleepSeconds(0.3)
        #expect(Self.exists(t.child("logs/app.log.2")), "8,000 bytes are under the cap")
        // Rotated files put back (a restore, another tool): 16,000 bytes, over the cap of 10,000.
        for k in 3...4 { t.write("logs/app.log.\(k)", String(repeating: "\(k)", count: 3999) + "\n") }
        #expect(eventually(timeout: 10) { !Self.exists(t.child("logs/app.log.4")) && !Self.exists(t.child("logs/app.log.3")) },
                "not trimmed")
        #expect(Self.exists(t.child("logs/app.log.1")) && Self.exists(t.child("logs/app.log.2")))
        #expect(TestFile.text(t.child("logs/app.log")) == "live line\n")
        #expect(!Self.exists(t.child("postrotate-ran")))
        #expect(watcher.stop() == 0)
    }
}
