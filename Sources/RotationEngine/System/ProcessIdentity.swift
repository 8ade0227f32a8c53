#if canImport(Glibc)
import Glibc
#endif

/// Who this process is: `getpid(2)`, `getuid(2)`, `geteuid(2)`. These calls cannot fail.
public enum ProcessIdentity {
    /// `getpid()`.
    public static var pid: Int32 { getpid() }
    /// `getuid()`: the real user id.
    public static var realUID: UInt32 { getuid() }
    /// `geteuid()`: the effective user id, the one file permissions are checked against.
    public static var effectiveUID: UInt32 { geteuid() }
    /// Whether the real user is root (`getuid() == 0`), which decides logrotate's root-only checks.
    public static var isRoot: Bool { getuid() == 0 }
    /// `getegid(2)`.
    public static var effectiveGID: UInt32 { getegid() }
}
