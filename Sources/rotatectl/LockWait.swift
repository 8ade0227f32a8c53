import ArgumentParser

/// `--wait`: how long `run` and `lock` wait for a directory lock another process holds.
struct LockWait: ParsableArguments {
    @Option(help: "Seconds to wait for a busy directory lock.")
    var wait: Double = 60

    func validate() throws {
        if wait < 0 { throw ValidationError("--wait must not be negative") }
    }
}
