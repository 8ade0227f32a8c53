import ArgumentParser
import RotationEngine

@main
struct Rotatectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotatectl",
        abstract: "Rotate, compress and prune log files without losing a line.",
        discussion: """
            Reads logrotate-style configuration (CONFIG defaults to /etc/rotatectl.conf; a directory means \
            its files in alphabetical order). Exit status: 0 success, 1 a log set failed, 2 configuration \
            error, 3 the state file or a directory lock stayed busy, 64 usage error. Started under the name logrotate, it takes \
            logrotate's command line instead. See rotatectl(8).
            """,
        version: RotatectlVersion.current,
        subcommands: [RunCommand.self, WatchCommand.self, CheckCommand.self, StatusCommand.self, LockCommand.self,
                      CleanupCommand.self],
        defaultSubcommand: RunCommand.self
    )

    static func main() {
        ProcessMemory.returnLargeBlocksToTheKernel()
        if let name = programName, LogrotateCommand.isInvoked(as: name) {
            exit(withError: ExitCode(LogrotateCommand.main(arguments)))
        }
        main(arguments)
    }

    /// `argv[0]`: the name the program was started by.
    static var programName: String? {
        CommandLine.argc > 0 ? CommandLine.unsafeArgv[0].map { FileNameEncoding.decode(cString: $0) } : nil
    }

    /// The arguments as the bytes they are (`FileNameEncoding`), not repaired as `CommandLine.arguments`
    /// would: a configuration or state path that is not UTF-8 names that file.
    static var arguments: [String] {
        (1..<max(1, Int(CommandLine.argc))).compactMap { CommandLine.unsafeArgv[$0].map { FileNameEncoding.decode(cString: $0) } }
    }
}
