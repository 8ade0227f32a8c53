#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Reads rotatectl's configuration language: logrotate 3.21's syntax and directives plus rotatectl's
/// extensions (`pidfile`, `signal`, `maxtotalsize`, `scripttimeout`, `reopentimeout`, `compressformat`, `nopidfile`).
/// Never throws: everything wrong ends up in `Configuration.diagnostics`; a block with an error is left
/// out of `Configuration.logSets`, with a note saying so, as logrotate drops it.
public struct ConfigParser: Sendable {
    /// Refuse configuration files that are group/world-writable or not owned by root, as logrotate does
    /// when run by root.
    public var asRoot: Bool
    public var logger: Logger?
    /// Where user and group names are looked up.
    public var accounts: AccountResolver

    public init(asRoot: Bool = ProcessIdentity.isRoot, logger: Logger? = nil, accounts: AccountResolver = .system) {
        self.asRoot = asRoot
        self.logger = logger
        self.accounts = accounts
    }

    /// Reads files and directories (each directory's files in byte order, skipping taboo names), sharing
    /// one set of global defaults in order, and following `include`.
    public func parse(paths: [String]) -> Configuration {
        let session = ConfigParseSession(asRoot: asRoot, logger: logger, accounts: accounts)
        var globals = DirectiveState()
        for path in paths {
            session.readPath(path, globals: &globals, includedFrom: nil)
        }
        return session.result
    }

    /// Parses `text` as if it were the file named `file`, without reading it from disk (an `include`
    /// inside it still reads the included paths).
    public func parse(text: String, file: String) -> Configuration {
        let session = ConfigParseSession(asRoot: asRoot, logger: logger, accounts: accounts)
        var globals = DirectiveState()
        session.result.filesRead.append(file)
        session.parse(bytes: Array(text.utf8), file: file, globals: &globals)
        return session.result
    }
}
