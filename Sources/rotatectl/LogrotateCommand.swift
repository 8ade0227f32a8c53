import RotationEngine

/// rotatectl invoked as `logrotate` (a symbolic link, or `/usr/sbin/logrotate` diverted): logrotate
/// 3.21's command line and none of rotatectl's, its silence, its messages and its exit statuses
/// (0 success, 1 an error, 2 a bad argument, 3 a lock another run holds). See rotatectl(8), THE
/// LOGROTATE NAME.
enum LogrotateCommand {
    /// Whether `argv0` (the path the program was started by) names logrotate.
    static func isInvoked(as argv0: String) -> Bool {
        argv0.split(separator: "/").last == "logrotate"
    }

    /// Runs the command line `arguments` (without the program's name); the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        switch LogrotateArguments.parse(arguments) {
        case .help:
            print(LogrotateText.help)
            return 0
        case .usage:
            print(LogrotateText.usage)
            return 0
        case .version:
            print(LogrotateText.versionText)
            return 0
        case .badArgument(let arg):
            StandardError.write(LogrotateText.badArgument(arg))
            return 2
        case .run(let parsed):
            guard !parsed.configs.isEmpty else {
                StandardError.write(LogrotateText.banner + "\n\n" + LogrotateText.usage)
                return 1
            }
            return run(parsed)
        }
    }

    static func run(_ parsed: LogrotateArguments) -> Int32 {
        var output = LogrotateOutput(trace: parsed.debug || parsed.verbose, log: nil)
        if parsed.debug { StandardError.write(LogrotateText.debugWarning + "\n") }
        if let log = parsed.log {
            do {
                output.log = try RunLog.open(log, identity: "logrotate", failurePrefix: "error: ")
            } catch {
                // As logrotate: reported, and the run goes on without its log.
                output.line(.error, "error: error opening log file \(log): \(error.errno)")
            }
        }
        let configuration = ConfigParser(logger: output.logger).parse(paths: parsed.configs)
        let report = Runner(options: options(parsed), logger: output.logger, observer: output.show).run(configuration)
        return exitStatus(report.exitStatus)
    }

    /// The engine's options for logrotate's command line.
    static func options(_ parsed: LogrotateArguments) -> RunOptions {
        var options = RunOptions()
        options.force = parsed.force
        options.dryRun = parsed.debug
        options.verbose = parsed.debug || parsed.verbose || parsed.log != nil
        options.statePath = parsed.state ?? LogrotateText.defaultState
        options.mailCommand = parsed.mail ?? LogrotateText.defaultMail
        options.stateLocking = parsed.skipStateLock ? .skip : parsed.waitForStateLock ? .unbounded : .once
        #if DEBUG
        options.now = EnvironmentClock.now
        #endif
        return options
    }

    /// logrotate's exit status for rotatectl's: every error is 1, a lock another run holds is 3.
    static func exitStatus(_ status: ExitStatus) -> Int32 {
        switch status {
        case .success: 0
        case .setFailed, .configError: 1
        case .lockBusy: 3
        case .usage: 2
        }
    }
}
