/// A script the executor runs with `/bin/sh -c TEXT logrotate_script ARGS...`, never holding a lock.
public struct ScriptRun: Sendable, Equatable, Codable {
    public var kind: ScriptKind
    public var text: String
    public var arguments: [String]
    public var timeout: Int
    public init(kind: ScriptKind, text: String, arguments: [String], timeout: Int) {
        self.kind = kind; self.text = text; self.arguments = arguments; self.timeout = timeout
    }
}
