#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A `compresscmd` other than the built-in gzip, run the way logrotate runs it: `command options...`
/// with the source as standard input and the destination as standard output, no shell, and the source's
/// path in `LOGROTATE_COMPRESSED_FILENAME`. What it writes to stderr is kept (up to 64 KiB): in the error
/// message when it fails, as `CompressStats.messages` (a warning) when it succeeds.
public struct ExternalCompressor: Sendable {
    public var command: String
    public var options: [String]
    /// Seconds before the command is sent SIGTERM (then SIGKILL); nil waits for ever.
    public var timeout: Double?
    public var environment: [String: String]

    public init(command: String, options: [String] = [], timeout: Double? = nil, environment: [String: String] = [:]) {
        self.command = command
        self.options = options
        self.timeout = timeout
        self.environment = environment
    }

    public var argv: [String] { [command] + options.filter { !$0.isEmpty } }

    /// Runs the command on `source` (from offset 0) into `destination` (at its current offset). A nonzero
    /// exit, a signal or a timeout is `CompressError.command`.
    public func compress(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                         destinationPath: String) throws(CompressError) -> CompressStats {
        let before: Int64
        let bytesIn: Int64
        do {
            _ = try source.seek(to: 0, path: sourcePath)
            bytesIn = try source.status(path: sourcePath).size
            before = try destination.seek(to: 0, from: SEEK_CUR, path: destinationPath)
        } catch {
            throw .system(error)
        }
        let run: CapturedRun
        do {
            var environment = environment
            environment["LOGROTATE_COMPRESSED_FILENAME"] = sourcePath
            run = try ChildProcess.runCapturingOutput(argv, stdin: source.rawValue, stdout: destination.rawValue,
                                                      environment: environment, timeout: timeout)
        } catch {
            throw .system(error)
        }
        guard run.result.succeeded else {
            throw .command(path: sourcePath, argv: argv, result: run.result, output: run.output)
        }
        do {
            let size = try destination.status(path: destinationPath).size
            return CompressStats(bytesIn: bytesIn, bytesOut: max(0, size - before), messages: run.output)
        } catch {
            throw .system(error)
        }
    }
}
