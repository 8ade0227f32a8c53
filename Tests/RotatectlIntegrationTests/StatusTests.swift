import Foundation
import Testing
import TestSupport

/// `rotatectl status`: the table and the JSON document, on real files, a real journal and a real lock.
@Suite struct StatusTests {
    func statusJSON(_ t: TempDirectory, _ conf: String) throws -> [[String: Any]] {
        let r = Harness.rotatectl(["status", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["schema"] as? Int == 1)
        return try #require(doc["logs"] as? [[String: Any]])
    }

    @Test func dueWhyGenerationsAndNextDue() throws {
        let t = TempDirectory()
        t.write("logs/big.log", String(repeating: "x", count: 2_000_000))
        t.write("logs/small.log", "tiny\n")
        t.write("logs/daily.log", "d\n")
        t.write("logs/daily.log.1.gz", "not really gzip but counted")
        t.write("state", "logrotate state -- version 2\n\"\(t.child("logs/daily.log"))\" 2026-11-1-0:0:0\n", mode: 0o600)
        let conf = t.config("""
            @DIR@/logs/big.log @DIR@/logs/small.log {
                size 1M
                rotate 2
            }
            @DIR@/logs/daily.log {
                daily
                rotate 5
                compress
                maxtotalsize 10M
            }
            """)
        let logs = try statusJSON(t, conf)
        let byPath = Dictionary(uniqueKeysWithValues: logs.compactMap { l in (l["path"] as? String).map { ($0, l) } })
        let big = try #require(byPath[t.child("logs/big.log")])
        #expect(big["due"] as? Bool == true)
        #expect((big["reason"] as? String ?? "").contains("size"))
        #expect(big["size"] as? Int == 2_000_000)
        let small = try #require(byPath[t.child("logs/small.log")])
        #expect(small["due"] as? Bool == false)
        #expect(small["next_due"] is NSNull)
        let daily = try #require(byPath[t.child("logs/daily.log")])
        #expect(daily["due"] as? Bool == true)
        #expect((daily["reason"] as? String ?? "").contains("daily"))
        #expect((daily["generations"] as? [String]) == [t.child("logs/daily.log.1.gz")])
        #expect(daily["generation_bytes"] as? Int == 27)
        #expect(daily["max_total_size"] as? Int == 10 * 1024 * 1024)
        #expect(daily["last_rotated"] as? Int != nil)
        #expect(daily["next_due"] as? Int != nil)
        #expect(daily["journal_pending"] as? Bool == false)
        // The table names every log and says why.
        let table = Harness.rotatectl(["status", "-s", t.child("state"), conf])
        #expect(table.status == 0)
        #expect(table.stdout.contains("LOG") && table.stdout.contains(t.child("logs/big.log")))
        #expect(table.stdout.contains("daily: last rotated on an earlier day"))
    }

    /// `weekly 2` (Tuesday), last rotated Monday 2026-11-30, now Wednesday 2026-12-02: Tuesday passed
    /// without a run, so the log is not due until 7 days after the last rotation (Monday 2026-12-07).
    /// NEXT DUE used to say Tuesday, a day in the past, beside DUE "no".
    @Test func aWeeklyLogWhoseWeekdayPassedShowsItsRealNextDueNotAPastDay() throws {
        let t = TempDirectory()
        t.write("logs/w.log", "w\n")
        t.write("state", "logrotate state -- version 2\n\"\(t.child("logs/w.log"))\" 2026-11-30-10:0:0\n", mode: 0o600)
        let conf = t.config("@DIR@/logs/w.log {\n weekly 2\n rotate 3\n}\n")
        let r = Harness.rotatectl(["status", "--json", "-s", t.child("state"), conf], environment: ["ROTATECTL_NOW": "1796212800", "TZ": "UTC"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let log = try #require((doc["logs"] as? [[String: Any]])?.first)
        #expect(log["due"] as? Bool == false)
        #expect(log["next_due"] as? Int == 1796601600, "next due \(log["next_due"] ?? "none"), want 2026-12-07 00:00 UTC")
    }

    @Test func showsAnUnfinishedJournalAndAHeldLock() throws {
        let t = TempDirectory()
        t.write("logs/a.log", Harness.lines("a", 1...1000))
        let conf = t.config("@DIR@/logs/a.log {\n size 1\n rotate 2\n compress\n create\n}\n")
        let crashed = Harness.rotatectl(["run", "-s", t.child("state"), conf], environment: ["ROTATECTL_CRASH_AT": "2"])
        #expect(crashed.status == 137)
        let logs = try statusJSON(t, conf)
        #expect(logs.first?["journal_pending"] as? Bool == true)
        let table = Harness.rotatectl(["status", "-s", t.child("state"), conf])
        #expect(table.stdout.contains("unfinished journal"))

        let holder = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", t.child("logs"), "--",
                                                        "/bin/sh", "-c", "touch \(t.child("held")); sleep 2"]))
        for _ in 0..<200 where !t.exists("held") { usleep(20_000) }
        let locked = try statusJSON(t, conf)
        #expect(locked.first?["lock_held"] as? Bool == true)
        #expect(locked.first?["lock_holder"] as? Int == Int(holder.pid))
        holder.wait()
        // The next run finishes the journal and says so.
        let r = Harness.rotatectl(["run", "-v", "-s", t.child("state"), conf])
        #expect(r.status == 0)
        #expect(r.stdout.contains("finished a rotation interrupted by a crash"))
        #expect(try statusJSON(t, conf).first?["journal_pending"] as? Bool == false)
    }

    @Test func reportsWhatItSkipped() throws {
        let t = TempDirectory()
        t.write("logs/a.log", "a\n")
        // A name that is not valid UTF-8 (byte 0xFF), made with the shell's printf.
        #expect(Harness.sh("touch \"$(printf '\(t.child("logs"))/bad\\377.log')\"").status == 0)
        t.write("state", "logrotate state -- version 2\nthis line is damaged\n", mode: 0o600)
        let conf = t.config("@DIR@/logs/*.log {\n size 1\n rotate 1\n}\n")
        let r = Harness.rotatectl(["status", "--json", "-s", t.child("state"), conf])
        #expect(r.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let warnings = try #require(doc["warnings"] as? [String])
        // A name that is not UTF-8 is a log like any other, shown with \xNN.
        let paths = try #require(doc["logs"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        #expect(paths.contains(t.child("logs") + "/bad\\xFF.log"), "\(paths)")
        #expect(!warnings.contains { $0.contains("UTF-8") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("damaged") }, "\(warnings)")
        #expect(r.stderr.contains("rotatectl: warning:"))
    }
}
