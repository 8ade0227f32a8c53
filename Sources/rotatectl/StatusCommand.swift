import ArgumentParser
import RotationEngine

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each log: size, last rotation, whether it is due and why, generations, journal and lock."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var stateFile: StateFile

    @OptionGroup var configPaths: ConfigPaths

    func run() throws {
        let configuration = ConfigParser().parse(paths: configPaths.configs)
        for d in configuration.diagnostics { Output.stderr("\(d)") }
        var now: Int64? = nil
        #if DEBUG
        now = EnvironmentClock.now
        #endif
        // Collected once. JSON is streamed, each log printed as it is made, so status over 100,000 logs
        // does not hold them; the table keeps each log's cells until every column is measured.
        let collector = StatusCollector(statePath: stateFile.state, now: now, besideLogrotate: LogrotateHost.current.beside())
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
            report = collector.collect(configuration) { table.append($0) }
            table.write(out)
            out(table.watcherLine(report.watcher))
        }
        for w in report.warnings { Output.stderr("rotatectl: warning: \(w)") }
        if configuration.diagnostics.contains(where: { $0.severity == .error }) {
            throw ExitCode(ExitStatus.configError.rawValue)
        }
    }
}
