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

    func assume() throws(SystemError) {
        guard getuid() == 0 else { return }
        if FaultInjection.seteuidFails() { throw SystemError("seteuid", path: "uid \(uid)", errno: .notPermitted) }
        _ = try system_call("setegid", "gid \(gid)") { setegid(gid) }
        _ = try system_call("seteuid", "uid \(uid)") { seteuid(uid) }
    }

    func restore() {
        guard getuid() == 0 else { return }
        _ = seteuid(0)
        _ = setegid(0)
    }
}
