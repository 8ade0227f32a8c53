#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import CRotatectlShim

/// `su USER GROUP`: the set's file operations run with that user's effective ids (`setegid`, then
/// `seteuid`), as logrotate does; scripts and the state file stay root's. Only acts when running as root.
struct Privileges {
    var uid: UInt32
    var gid: UInt32

    /// `setegid(gid)` then `seteuid(uid)`; when `seteuid` fails the group is given back, so a failure
    /// leaves root's ids as they were.
    func assume() throws(SystemError) {
        guard getuid() == 0 else { return }
        _ = try system_call("setegid", "gid \(gid)") { setegid(gid) }
        do {
            _ = try system_call("seteuid", "uid \(uid)") { seteuid(uid) }
        } catch {
            _ = system_retryUninjected { setegid(0) }
            throw error
        }
    }

    /// `seteuid(0)` then `setegid(0)`. Never forced to fail: nothing could be done about it.
    func restore() {
        guard getuid() == 0 else { return }
        _ = system_retryUninjected { seteuid(0) }
        _ = system_retryUninjected { setegid(0) }
    }
}
