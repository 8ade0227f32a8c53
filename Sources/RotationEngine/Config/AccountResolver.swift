/// How the parser turns the user and group names of `create`, `su` and `createolddir` into ids: the
/// system's databases (`getpwnam_r`/`getgrnam_r`), or a table a test gives, to parse a package's
/// configuration whose accounts this machine lacks.
public struct AccountResolver: Sendable {
    public var uid: @Sendable (String) -> UInt32?
    public var gid: @Sendable (String) -> UInt32?

    public init(uid: @escaping @Sendable (String) -> UInt32?, gid: @escaping @Sendable (String) -> UInt32?) {
        self.uid = uid
        self.gid = gid
    }

    /// The system's users and groups, by name or by a number that names one (logrotate's `resolveUid`).
    public static let system = AccountResolver(uid: { AccountLookup.uid($0) }, gid: { AccountLookup.gid($0) })
}
