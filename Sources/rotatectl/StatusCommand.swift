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
        let status = StatusCollector(statePath: state, now: now).collect(configuration)
        for w in status.warnings { Output.stderr("rotatectl: warning: \(w)") }
        if json {
            print(status.json.serialized(indent: 2))
        } else {
            print(status.table(), terminator: "")
        }
        if configuration.diagnostics.contains(where: { $0.severity == .error }) {
            throw ExitCode(ExitStatus.configError.rawValue)
        }
    }
}
