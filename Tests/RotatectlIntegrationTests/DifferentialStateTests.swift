import Foundation
import Testing
import TestSupport

/// The state file shared with logrotate 3.21: each tool reads what the other wrote and obeys it, a
/// date edited by hand is obeyed by both, both forget year-old entries of missing logs alike, and a
/// damaged line still lets both rotate and makes both exit 1.
@Suite(.serialized) struct DifferentialStateTests {
    enum Tool { case logrotate, rotatectl }

    /// A logs directory with one daily log and the configuration naming it.
    struct Tree {
        let t = TempDirectory("rotatectl-diff-state")
        var log: String { t.child("logs/app.log") }
        var state: String { t.child("status") }
        var conf: String { t.child("conf") }

        init() {
            mkdir(t.child("logs"), 0o755)
            t.write("logs/app.log", "first\n")
            t.write("conf", "\(t.child("logs/app.log")) {\n    daily\n    rotate 3\n}\n")
        }

        func run(_ tool: Tool, force: Bool = false, json: Bool = false) -> ProcessResult {
            let env = ["LANG": "C"]
            switch tool {
            case .logrotate:
                return Harness.run([Differential.logrotate, "-v"] + (force ? ["-f"] : []) + ["-s", state, conf], environment: env)
            case .rotatectl:
                return Harness.run([PackagePaths.rotatectl, "run"] + (force ? ["--force"] : []) + (json ? ["--json"] : [])
                                   + ["--wait", "2", "-s", state, conf], environment: env)
            }
        }

        /// The state file's lines after the header, as path → date text.
        func entries() -> [String: String] {
            var result: [String: String] = [:]
            for line in (t.read("status") ?? "").split(separator: "\n").dropFirst() {
                let words = line.split(separator: " ")
                guard words.count == 2 else { result["?"] = String(line); continue }
                result[String(words[0].dropFirst().dropLast())] = String(words[1])
            }
            return result
        }

        /// Sets the log's date by hand, as an administrator would with an editor.
        func editDate(daysAgo: Double, of path: String? = nil) {
            let text = t.read("status") ?? ""
            let target = "\"\(path ?? log)\" "
            let lines = text.split(separator: "\n").map { line in
                line.hasPrefix(target) ? target + DifferentialStateTests.date(daysAgo: daysAgo) : String(line)
            }
            t.write("status", lines.joined(separator: "\n") + "\n")
        }

        func rotations() -> Int { (1...3).filter { t.exists("logs/app.log.\($0)") }.count }
    }

    /// logrotate's `%d-%d-%d-%d:%d:%d` of local time, `days` ago.
    static func date(daysAgo days: Double) -> String {
        var t = time(nil) - time_t(days * 86_400)
        var tm = tm()
        localtime_r(&t, &tm)
        return "\(tm.tm_year + 1900)-\(tm.tm_mon + 1)-\(tm.tm_mday)-\(tm.tm_hour):\(tm.tm_min):\(tm.tm_sec)"
    }

    @Test(arguments: [(Tool.rotatectl, Tool.logrotate), (Tool.logrotate, Tool.rotatectl), (Tool.rotatectl, Tool.rotatectl)])
    func whatOneWritesTheOtherObeysAndAHandEditWins(writer: Tool, reader: Tool) throws {
        let tree = Tree()
        defer { tree.t.remove() }
        let wrote = tree.run(writer, force: true)
        #expect(wrote.status == 0, "\(wrote.stderr)")
        #expect(tree.rotations() == 1)
        #expect(tree.t.read("status")?.hasPrefix("logrotate state -- version 2\n") == true)
        #expect(tree.entries()[tree.log] != nil, "\(tree.entries())")
        tree.t.write("logs/app.log", "second\n")
        // Rotated today by the writer: the reader leaves it alone.
        let same = tree.run(reader)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(!(same.stdout + same.stderr).contains("bad"), "\(same.stdout)\(same.stderr)")
        #expect(tree.rotations() == 1 && tree.t.read("logs/app.log") == "second\n", "\(same.stdout)\(same.stderr)")
        // The administrator moves the date back two days: the reader rotates it.
        tree.editDate(daysAgo: 2)
        let edited = tree.run(reader)
        #expect(edited.status == 0, "\(edited.stdout)\(edited.stderr)")
        #expect(tree.rotations() == 2 && tree.t.read("logs/app.log.1") == "second\n", "\(edited.stdout)\(edited.stderr)")
        // And records today again, in logrotate's layout.
        #expect(tree.t.read("status")?.hasPrefix("logrotate state -- version 2\n") == true)
        #expect(tree.entries()[tree.log]?.hasPrefix(Self.date(daysAgo: 0).split(separator: "-").prefix(3).joined(separator: "-")) == true,
                "\(tree.entries())")
    }

    @Test func bothForgetYearOldEntriesOfMissingLogsAlike() throws {
        var states: [Tool: Set<String>] = [:]
        for tool in [Tool.logrotate, .rotatectl] {
            let tree = Tree()
            defer { tree.t.remove() }
            tree.t.write("logs/old-but-here.log", "x\n")
            let seeded: [(String, Double)] = [(tree.log, 0.5), (tree.t.child("logs/gone-old.log"), 400),
                                              (tree.t.child("logs/old-but-here.log"), 400),
                                              (tree.t.child("logs/gone-recent.log"), 300), (tree.t.child("logs/gone-long-ago.log"), 3000)]
            tree.t.write("status", "logrotate state -- version 2\n" + seeded.map { "\"\($0.0)\" \(Self.date(daysAgo: $0.1))\n" }.joined())
            let r = tree.run(tool)
            #expect(r.status == 0, "\(tool): \(r.stdout)\(r.stderr)")
            states[tool] = Set(tree.entries().keys.map { $0.replacingOccurrences(of: tree.t.path, with: "@") })
        }
        #expect(states[.logrotate] == ["@/logs/app.log", "@/logs/gone-recent.log"])
        // A deliberate difference: a year-old entry of a log that exists but this run's configuration does
        // not name is kept (logrotate drops it, and would then take the log for a new one).
        #expect(states[.rotatectl] == ["@/logs/app.log", "@/logs/gone-recent.log", "@/logs/old-but-here.log"])
    }

    @Test func aDamagedLineStillRotatesAndExitsOneInBothTools() throws {
        for tool in [Tool.logrotate, .rotatectl] {
            let tree = Tree()
            defer { tree.t.remove() }
            tree.t.write("status", "logrotate state -- version 2\n\"\(tree.log)\" \(Self.date(daysAgo: 2))\n\"/var/log/x.log\" 2026-13-1-0:0:0\n")
            let r = tree.run(tool, json: tool == .rotatectl)
            #expect(r.status == 1, "\(tool): \(r.stdout)\(r.stderr)")
            #expect(tree.rotations() == 1, "\(tool): the due log is still rotated: \(r.stdout)\(r.stderr)")
            #expect(tree.t.read("status")?.hasPrefix("logrotate state -- version 2\n") == true)
            if tool == .rotatectl {
                // The damaged line, the damaged file (the error), the copy kept when it is written again.
                #expect(Harness.codes(r).filter { $0.hasPrefix("state-") } == ["state-problem", "state-damaged", "state-problem"], "\(r.stdout)")
                let messages = Harness.events(r).compactMap { $0["message"] as? String }
                #expect(messages.contains { $0.hasSuffix("status:3: damaged state entry skipped: bad month 13") }, "\(messages)")
                #expect(tree.t.read("status.damaged")?.contains("2026-13-1") == true)
                // Written again without the damage: the next run is clean.
                tree.t.write("logs/app.log", "again\n")
                let next = tree.run(.rotatectl)
                #expect(next.status == 0 && next.stderr.isEmpty, "\(next.stderr)")
                #expect(tree.rotations() == 1)
            }
        }
    }
}
