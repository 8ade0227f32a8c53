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

    @Flag(name: [.short, .long], help: "Print every decision and action (without it a run prints only its errors and warnings).")
    var verbose = false

    @OptionGroup var stateFile: StateFile

    @OptionGroup var lockWait: LockWait

    @Flag(help: "Print one JSON document describing the run on standard output.")
    var json = false

    @Option(name: [.short, .long], help: "Parallel work (default: all cores).")
    var jobs: Int?

    @Option(name: [.short, .long], help: ArgumentHelp("The command mail, mailfirst and maillast send with.", valueName: "command"))
    var mail = "/usr/bin/mail"

    @Option(name: [.short, .long], help: ArgumentHelp("Also write the verbose log of the run to this file, or to the system log.",
                                                      valueName: "file|syslog"))
    var log: String?

    @OptionGroup var configPaths: ConfigPaths

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    /// The engine's options for what was parsed.
    var runOptions: RunOptions {
        var options = RunOptions()
        options.force = force
        options.dryRun = dryRun
        options.verbose = verbose || log != nil
        options.json = json
        options.statePath = stateFile.state
        options.wait = lockWait.wait
        options.mailCommand = mail
        if let jobs { options.jobs = jobs }
        options.besideLogrotate = LogrotateHost.current.beside()
        #if DEBUG
        options.now = EnvironmentClock.now
        #endif
        return options
    }

    func run() throws {
        if let missing = ConfigPaths.missingDefault(configPaths.configs) {
            Output.stderr("rotatectl: \(missing)")
            throw ExitCode(ExitStatus.configError.rawValue)
        }
        var output = Output(json: json, verbose: verbose, dryRun: dryRun)
        if let log {
            do {
                output.log = try RunLog.open(log, identity: "rotatectl", failurePrefix: "rotatectl: warning: ")
            } catch {
                Output.stderr("rotatectl: warning: log not opened: \(error)")
            }
        }
        let configuration = ConfigParser(logger: output.logger).parse(paths: configPaths.configs)
        let report = Runner(options: runOptions, logger: output.logger, observer: output.show).run(configuration)
        if json { output.printJSON(report.json) }
        throw ExitCode(report.exitStatus.rawValue)
    }
}
