import ArgumentParser
import RotationEngine

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Run a command while holding a log directory's rotation lock.",
        discussion: "Exits with the command's status (128+N if a signal N ended it), or 3 if the lock stayed busy."
    )

    @OptionGroup var lockWait: LockWait

    @Argument(help: "The log directory.")
    var directory: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("a command is required after --") }
    }

    func run() throws {
        let dir: DirectoryHandle
        do {
            dir = try DirectoryHandle.open(directory, followLast: true)
        } catch {
            Output.stderr("rotatectl: \(error)")
            throw ExitCode(ExitStatus.setFailed.rawValue)
        }
        let lock: DirectoryLock
        do {
            lock = try DirectoryLock.acquire(dir, wait: lockWait.wait, logger: nil)
        } catch {
            Output.stderr("rotatectl: \(error)")
            switch error {
            case .busy, .nested, .journalInUse: throw ExitCode(ExitStatus.lockBusy.rawValue)
            default: throw ExitCode(ExitStatus.setFailed.rawValue)
            }
        }
        defer { lock.release() }
        SignalForwarder.start()
        do {
            let result = try ChildProcess.run(command, environment: DirectoryLock.heldEnvironment())
            if let code = result.exitCode { throw ExitCode(code) }
            throw ExitCode(128 + (result.signal ?? 0))
        } catch let error as SystemError {
            Output.stderr("rotatectl: \(error)")
            throw ExitCode(127)
        }
    }
}
