/// Runs a configured script as logrotate does (`/bin/sh -c TEXT logrotate_script ARGS...`), with a time
/// limit, never while rotatectl holds a directory lock. File names reach it only as arguments. The
/// state file stays locked, as in logrotate: `ROTATECTL_LOCKED_DIRS` tells a rotatectl the script runs
/// on the same state file to fail at once (exit 3) instead of waiting.
struct ScriptRunner {
    /// In JSON mode the script's standard output goes to our standard error, keeping stdout one document.
    var outputToStderr: Bool

    /// Nil on success, else what went wrong.
    func run(_ script: ScriptRun) -> String? {
        let argv = ["/bin/sh", "-c", script.text, "logrotate_script"] + script.arguments
        do {
            let result = try ChildProcess.run(argv, stdout: outputToStderr ? 2 : nil, environment: StateFileLock.heldEnvironment(),
                                              timeout: script.timeout > 0 ? Double(script.timeout) : nil)
            if result.timedOut { return "\(script.kind.rawValue) script killed after its \(script.timeout) s limit (scripttimeout)" }
            if !result.succeeded { return "\(script.kind.rawValue) script failed: \(result)" }
            return nil
        } catch {
            return "\(script.kind.rawValue) script could not start: \(error)"
        }
    }
}
