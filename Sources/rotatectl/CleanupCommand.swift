import ArgumentParser
import RotationEngine

struct CleanupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "List (with --remove, remove) the .rotatectl.lock and .rotatectl.reserve files in the directories a configuration names.",
        discussion: """
            For rolling back to logrotate. Never follows a link; a directory whose lock a run holds, or with an \
            unfinished rotation (.rotatectl.journal, which the next run completes), is left alone and named on \
            standard error. Exit status 0, or 1 when something was left alone.
            """
    )

    @Flag(help: "Remove the files instead of listing them.")
    var remove = false

    @OptionGroup var configPaths: ConfigPaths

    func run() throws {
        if let missing = ConfigPaths.missingDefault(configPaths.configs) {
            Output.stderr("rotatectl: \(missing)")
            throw ExitCode(ExitStatus.configError.rawValue)
        }
        let configuration = ConfigParser().parse(paths: configPaths.configs)
        for d in configuration.diagnostics where d.severity == .error { Output.stderr("\(d)") }
        let leftovers = Leftovers(remove: remove)
        var problems = 0
        for dir in Leftovers.directories(of: configuration) {
            for finding in leftovers.scan(dir) {
                if finding.isProblem { problems += 1 }
                switch finding {
                case .found(let path): print(FileNameEncoding.display(path))
                case .removed(let path): print("removed " + FileNameEncoding.display(path))
                case .unfinished(let journal):
                    Output.stderr("rotatectl: \(journal): an unfinished rotation; `rotatectl run` completes it, then run cleanup again")
                case .busy(let dir, let why): Output.stderr("rotatectl: \(dir): left alone, in use: \(why)")
                case .leftAlone(let path, let why): Output.stderr("rotatectl: \(path): left alone: \(why)")
                }
            }
        }
        if problems > 0 { throw ExitCode(ExitStatus.setFailed.rawValue) }
    }
}
