import ArgumentParser
import RotationEngine

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and validate configuration; touch nothing.",
        discussion: "Reports every error as PATH:LINE: message on standard error. Exit status 0 or 2."
    )

    @OptionGroup var configPaths: ConfigPaths

    func run() throws {
        let configuration = ConfigParser().parse(paths: configPaths.configs)
        for d in configuration.diagnostics { Output.stderr("\(d)") }
        // Warnings do not count; the notes of dropped blocks follow errors already counted.
        let errors = configuration.errors.count
        if errors > 0 {
            Output.stderr("rotatectl: \(errors) error\(errors == 1 ? "" : "s") in configuration")
            throw ExitCode(ExitStatus.configError.rawValue)
        }
        print("\(configPaths.configs.joined(separator: " ")): OK, \(configuration.logSets.count) log set\(configuration.logSets.count == 1 ? "" : "s")")
    }
}
