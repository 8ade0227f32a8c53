import ArgumentParser
import Logging
import RotationEngine
#if canImport(Glibc)
import Glibc
#endif

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Stay running and rotate each log as soon as it is due, told by inotify rather than a timer.",
        discussion: """
            The same runs as run (configuration, locks, journal, state file, scripts), started when a log \
            directory changes or a period ends. SIGHUP re-reads the configuration (one with an error \
            keeps the previous one); SIGTERM lets the current run finish and exits. See WATCH in rotatectl(8).
            """
    )

    @Flag(name: [.short, .long], help: "Explain every decision.")
    var verbose = false

    @Flag(help: "Print one JSON object per line for each event, for log shippers.")
    var json = false

    @OptionGroup var stateFile: StateFile

    @OptionGroup var lockWait: LockWait

    @Option(name: [.short, .long], help: "Parallel work (default: all cores).")
    var jobs: Int?

    @Option(name: [.short, .long], help: ArgumentHelp("The command mail, mailfirst and maillast send with.", valueName: "command"))
    var mail = "/usr/bin/mail"

    @Option(name: .customLong("min-interval"), help: ArgumentHelp("Run one log set at most once per this many seconds.", valueName: "seconds"))
    var minInterval: Double = 0.1

    @Option(name: .customLong("rescan"), help: ArgumentHelp("Look at every log again this often, whatever inotify says.", valueName: "seconds"))
    var rescan: Double = 300

    @OptionGroup var configPaths: ConfigPaths

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(minInterval >= 0) { throw ValidationError("--min-interval must be 0 or more seconds") }
        if !(rescan >= 1) { throw ValidationError("--rescan must be at least 1 second") }
    }

    var watchOptions: WatchOptions {
        var options = WatchOptions()
        options.run.verbose = verbose
        options.run.json = json
        options.run.statePath = stateFile.state
        options.run.wait = lockWait.wait
        options.run.mailCommand = mail
        if let jobs { options.run.jobs = jobs }
        options.minInterval = minInterval
        options.rescanInterval = rescan
        #if DEBUG
        options.clockStart = EnvironmentClock.now
        #endif
        return options
    }

    func run() throws {
        if let missing = ConfigPaths.missingDefault(configPaths.configs) {
            Output.stderr("rotatectl: \(missing)")
            throw ExitCode(ExitStatus.configError.rawValue)
        }
        let output = WatchOutput(json: json, verbose: verbose)
        let paths = configPaths.configs
        let logger = output.lines.logger
        let configuration = ConfigParser(logger: logger).parse(paths: paths)
        for d in configuration.diagnostics { output.show(RunEvent(d.severity == .error ? .error : .warning, set: "", d.message, location: d.location.description)) }
        if !configuration.errors.isEmpty {
            Output.stderr("rotatectl: not watching: the configuration has errors (rotatectl check shows them)")
            throw ExitCode(ExitStatus.configError.rawValue)
        }
        let watcher = Watcher(options: watchOptions, configuration: configuration,
                              load: { ConfigParser(logger: logger).parse(paths: paths) },
                              logger: logger, observer: output.show, notice: output.show)
        throw ExitCode(watcher.run().rawValue)
    }
}
