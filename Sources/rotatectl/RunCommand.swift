import ArgumentParser
import Logging
import RotationEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Rotate every log that is due (the default command)."
    )

    @Flag(name: [.short, .long], help: "Rotate every matched log now, whatever its schedule.")
    var force = false

    @Flag(name: [.customShort("n"), .customShort("d"), .customLong("dry-run")],
          help: "Print the exact plan; change nothing and take no lock.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Explain every decision.")
    var verbose = false

    @Option(name: [.short, .long], help: "The state file.")
    var state = "/var/lib/rotatectl/status"

    @Option(help: "Seconds to wait for a busy directory lock.")
    var wait: Double = 60

    @Flag(help: "Print one JSON document describing the run on standard output.")
    var json = false

    @Option(name: [.short, .long], help: "Parallel work (default: all cores).")
    var jobs: Int?

    @Argument(help: "Configuration files or directories.")
    var configs: [String] = ["/etc/rotatectl.conf"]

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if wait < 0 { throw ValidationError("--wait must not be negative") }
    }

    func run() throws {
        let output = Output(json: json, verbose: verbose)
        let configuration = ConfigParser(logger: output.logger).parse(paths: configs)
        var options = RunOptions()
        options.force = force
        options.dryRun = dryRun
        options.verbose = verbose
        options.json = json
        options.statePath = state
        options.wait = wait
        if let jobs { options.jobs = jobs }
        #if DEBUG
        options.now = EnvironmentClock.now
        #endif
        let runner = Runner(options: options, logger: output.logger, observer: output.show)
        let report = runner.run(configuration)
        if json { output.printJSON(report.json) }
        throw ExitCode(report.exitStatus.rawValue)
    }
}
