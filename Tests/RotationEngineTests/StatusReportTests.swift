import Testing
@testable import RotationEngine

/// `rotatectl status` streams its output; the streamed JSON and table must be the documents the
/// whole report gives.
@Suite struct StatusReportTests {
    static func log(_ path: String, due: Bool = false, error: String? = nil, gens: [String] = []) -> LogStatus {
        LogStatus(set: "/var/log/*.log", path: path, exists: error == nil, size: 1234, lastRotated: 1_796_108_400,
                  due: due, reason: due ? "1.2 KiB ≥ size 1 KiB" : "first seen", nextDue: nil, generations: gens,
                  generationBytes: Int64(gens.count) * 10, cap: gens.isEmpty ? nil : 1 << 20, journalPending: due,
                  lockHolder: due ? 42 : nil, lockHeld: due, error: error)
    }

    static let reports: [StatusReport] = {
        var empty = StatusReport()
        empty.timeZone = FixedOffsetTime()
        var one = empty
        one.logs = [log("/var/log/a \"quoted\"\n.log")]
        var many = empty
        many.logs = [log("/var/log/a.log", gens: ["/var/log/a.log.1", "/var/log/a.log.2.gz"]),
                     log("/var/log/bb.log", due: true), log("/var/log/missing.log", error: "/var/log/missing.log: no such file")]
        many.warnings = ["/var/log/x\\xFF.log: skipped", "second"]
        return [empty, one, many]
    }()

    @Test(arguments: 0..<3) func streamedJSONIsTheWholeDocument(_ i: Int) {
        let report = Self.reports[i]
        var out = ""
        StatusReport.writeJSONHead { out += $0 }
        for (k, l) in report.logs.enumerated() { StatusReport.writeJSON(log: l, first: k == 0) { out += $0 } }
        report.writeJSONTail(empty: report.logs.isEmpty) { out += $0 }
        #expect(out == report.json.serialized(indent: 2) + "\n")
    }

    @Test func tableColumnsAreAsWideAsTheirWidestCell() {
        let report = Self.reports[2]
        let lines = report.table().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("LOG                   SIZE"))
        // Every row's SIZE column starts where the header's does.
        let at = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: "SIZE")!.lowerBound)
        for line in lines.dropFirst() {
            #expect(line.dropFirst(at).first != " " && line.dropFirst(at - 2).hasPrefix("  "), "\(line)")
        }
        #expect(lines[2].contains("; unfinished journal (next run completes it); directory locked by pid 42"))
        #expect(lines[1].contains("2 / 20 B (cap 1 MiB)"))
        #expect(lines[3].contains("missing") && lines[3].hasSuffix("/var/log/missing.log: no such file"))
    }
}
