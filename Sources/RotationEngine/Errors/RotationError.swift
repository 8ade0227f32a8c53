/// An error as a value: what it is about (`code`), the path, the system call and errno when one failed,
/// and the cause in words (`detail`) when nothing else says it. Refusals (a file rotatectl will not touch)
/// have their own codes and no errno.
public struct RotationError: Error, CustomStringConvertible, Sendable {
    public var code: EventCode
    public var path: String?
    public var system: SystemError?
    public var detail: String

    /// A failed system call.
    public init(_ code: EventCode, _ system: SystemError, _ detail: String = "") {
        self.code = code; self.path = system.path; self.system = system; self.detail = detail
    }

    /// A refusal, or a failure no system call reported.
    public init(_ code: EventCode, path: String?, _ detail: String) {
        self.code = code; self.path = path; self.system = nil; self.detail = detail
    }

    /// `PATH: CALL: errno text` (then the detail), or `PATH: detail`.
    public var description: String {
        if let system { return detail.isEmpty ? system.description : "\(system); \(detail)" }
        if let path { return "\(path): \(detail)" }
        return detail
    }
}
