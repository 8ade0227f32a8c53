/// How a program run to completion by `SpawnedProcess.capture` ended, and what it wrote.
public struct ProcessResult: Sendable {
    /// The exit status, 128 + the signal for a program killed by one, -1 if it could not start.
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}
