#if canImport(Glibc)
import Glibc
#endif

/// User and group names, through the reentrant `getpwnam_r`/`getgrnam_r` family (tests parse in parallel).
enum AccountLookup {
    /// A user by name, else by a number that names an existing user (logrotate's `resolveUid`).
    static func uid(_ name: String) -> UInt32? {
        if let pw = passwd(named: name) { return pw.uid }
        if let n = UInt32(name), n < UInt32(Int32.max), passwd(uid: n) != nil { return n }
        return nil
    }

    /// A group by name, else by a number that names an existing group (logrotate's `resolveGid`).
    static func gid(_ name: String) -> UInt32? {
        if let g = groupID(named: name) { return g }
        if let n = UInt32(name), n < UInt32(Int32.max), groupExists(gid: n) { return n }
        return nil
    }

    static func home(ofUser name: String) -> String? { passwd(named: name)?.home }

    /// HOME from the environment, else the running user's password entry.
    static func currentHome() -> String? {
        if let h = ProcessEnvironment.value("HOME"), !h.isEmpty { return h }
        return passwd(uid: ProcessIdentity.realUID)?.home
    }

    private static func withBuffer<T>(_ body: (UnsafeMutablePointer<CChar>, Int) -> (Int32, T?)) -> T? {
        var size = 16384
        while size <= 1 << 22 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            let (rc, value) = body(buffer, size)
            if rc == ERANGE { size *= 4; continue }
            return rc == 0 ? value : nil
        }
        return nil
    }

    private static func passwd(named name: String) -> (uid: UInt32, home: String)? {
        passwd { entry, buffer, size, result in getpwnam_r(name, entry, buffer, size, result) }
    }

    private static func passwd(uid: UInt32) -> (uid: UInt32, home: String)? {
        passwd { entry, buffer, size, result in getpwuid_r(uid, entry, buffer, size, result) }
    }

    /// A password entry found by `lookup` (`getpwnam_r` or `getpwuid_r`).
    private static func passwd(_ lookup: (UnsafeMutablePointer<Glibc.passwd>, UnsafeMutablePointer<CChar>, Int,
                                          UnsafeMutablePointer<UnsafeMutablePointer<Glibc.passwd>?>) -> Int32)
        -> (uid: UInt32, home: String)? {
        withBuffer { buffer, size in
            var entry = Glibc.passwd()
            var result: UnsafeMutablePointer<Glibc.passwd>? = nil
            let rc = lookup(&entry, buffer, size, &result)
            guard rc == 0, let r = result else { return (rc, nil) }
            return (0, (r.pointee.pw_uid, r.pointee.pw_dir.map { String(cString: $0) } ?? ""))
        }
    }

    private static func groupID(named name: String) -> UInt32? {
        withBuffer { buffer, size in
            var entry = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>? = nil
            let rc = getgrnam_r(name, &entry, buffer, size, &result)
            guard rc == 0, let r = result else { return (rc, nil) }
            return (0, r.pointee.gr_gid)
        }
    }

    private static func groupExists(gid: UInt32) -> Bool {
        withBuffer { buffer, size in
            var entry = Glibc.group()
            var result: UnsafeMutablePointer<Glibc.group>? = nil
            let rc = getgrgid_r(gid, &entry, buffer, size, &result)
            return (rc, rc == 0 && result != nil ? true : nil)
        } ?? false
    }
}
