import ArgumentParser
import RotationEngine

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each log: size, last rotation, whether it is due and why, generations, journal and lock."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(name: [.short, .long], help: "The state file.")
    var state = "/var/lib/rotatectl/status"

    @Argument(help: "Configuration files or directories.")
    var configs: [String] = ["/etc/rotatectl.conf"]

    func run() throws {
        let configuration = ConfigParser().parse(paths: configs)
        for d in configuration.diagnostics { Output.stderr("\(d)") }
        var now: Int64? = nil
        #if DEBUG
        now = EnvironmentClock.now
        #endif
        // Streamed: each log is printed as it is made, so status over 100,000 logs does not hold them all.
        // The table takes two passes, the first only to measure its columns.
        let collector = StatusCollector(statePath: state, now: now)
        let out = { (s: String) in print(s, terminator: "") }
        let report: StatusReport
        if json {
            var first = true
            StatusReport.writeJSONHead(out)
            report = collector.collect(configuration) { log in
                StatusReport.writeJSON(log: log, first: first, out)
                first = false
            }
            report.writeJSONTail(empty: first, out)
        } else {
            var table = StatusTable()
            _ = collector.collect(configuration) { table.measure($0) }
            out(table.header())
            report = collector.collect(configuration) { out(table.row($0)) }
        }
        for w in report.warnings { Output.stderr("rotatectl: warning: \(w)") }
        if configuration.diagnostics.contains(where: { $0.severity == .error }) {
            throw ExitCode(ExitStatus.configError.rawValue)
        }
    }
}
