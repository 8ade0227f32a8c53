#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// The unprivileged user who owns hostile log directories: `rotsim`, made with `useradd` if absent;
/// `nobody` should that fail.
struct SimUser: Sendable {
    var name: String
    var group: String
    var uid: uid_t
    var gid: gid_t

    static let shared: SimUser = {
        if let found = lookup("rotsim") { return found }
        _ = SpawnedProcess.capture(["/usr/sbin/useradd", "--system", "--no-create-home", "--user-group",
                                    "--shell", "/usr/sbin/nologin", "rotsim"])
        return lookup("rotsim") ?? SimUser(name: "nobody", group: "nogroup", uid: 65534, gid: 65534)
    }()

    private static func lookup(_ name: String) -> SimUser? {
        guard let pw = getpwnam(name) else { return nil }
        let uid = pw.pointee.pw_uid, gid = pw.pointee.pw_gid
        let group = getgrgid(gid).map { String(cString: $0.pointee.gr_name) } ?? name
        return SimUser(name: name, group: group, uid: uid, gid: gid)
    }

    /// Runs `argv` as this user (`setpriv`, no supplementary groups); whether it succeeded.
    @discardableResult
    func run(_ argv: [String]) -> Bool {
        SpawnedProcess.capture(["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups"] + argv).status == 0
    }
}
