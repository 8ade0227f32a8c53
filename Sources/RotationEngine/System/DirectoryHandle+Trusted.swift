#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

extension DirectoryHandle {
    /// Opens a directory by path one component at a time (`openat(O_DIRECTORY|O_NOFOLLOW)` from `/` or the
    /// working directory), following a symbolic link only where no one but root (and us) could have put
    /// it: a link in a directory another user can write (its owner, a group other than root's, everyone;
    /// in a sticky directory, a link that user owns) is refused with an error naming it. So a user who owns
    /// a log directory cannot point its `olddir` at a directory of root's; `/var -> /private/var` still works.
    public static func openTrusted(_ path: String) throws(SystemError) -> DirectoryHandle {
        try open(path.hasPrefix("/") ? "/" : ".", followLast: true).walkTrusted(path, reportedAs: path)
    }

    /// The walk of `openTrusted`, from this directory; errors name `reportedAs`.
    func walkTrusted(_ relative: String, reportedAs path: String) throws(SystemError) -> DirectoryHandle {
        var pending = Array(relative.split(separator: "/").reversed())
        var current = self
        var links = 0
        while let component = pending.popLast() {
            let name = String(component)
            if name == "." { continue }
            guard let st = try current.status(name) else {
                throw SystemError("open", path: path, errno: .noSuchFileOrDirectory)
            }
            if st.kind == .symlink {
                if let writer = try Self.untrustedWriter(of: current.status(), link: st) {
                    throw SystemError("open (\(current.child(name)) is a symbolic link in a directory \(writer) can write; refused, never followed)",
                                      path: path, errno: .tooManySymbolicLinkLevels)
                }
                links += 1
                guard links <= 40 else { throw SystemError("open", path: path, errno: .tooManySymbolicLinkLevels) }
                let target = try current.readLink(name)
                if target.hasPrefix("/") { current = try Self.open("/", followLast: true) }
                pending.append(contentsOf: target.split(separator: "/").reversed())
                continue
            }
            do {
                current = try current.openDirectory(name)
            } catch {
                throw SystemError(error.call, path: path, errno: error.errno)
            }
        }
        let fd = try system_call("dup", path) { dup(current.fd) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return DirectoryHandle(fd: fd, path: path)
    }

    /// Who other than root and us could have planted `link` in a directory with status `dir`, nil if no one.
    static func untrustedWriter(of dir: FileStatus, link: FileStatus) -> String? {
        let trusted: Set<UInt32> = [0, geteuid()]
        if !trusted.contains(dir.uid) { return "uid \(dir.uid)" }
        // In a sticky directory only a link's owner could have made or replaced it.
        if dir.mode & 0o1000 != 0 && trusted.contains(link.uid) { return nil }
        if dir.mode & 0o002 != 0 { return "everyone" }
        if dir.mode & 0o020 != 0 && dir.gid != 0 { return "group \(dir.gid)" }
        return nil
    }

    /// `readlinkat(2)` of `name` here.
    func readLink(_ name: String) throws(SystemError) -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try buffer.withUnsafeMutableBufferPointer { p throws(SystemError) in
            try system_call("readlinkat", child(name)) {
                FileNameEncoding.withCString(name) {
                    readlinkat(fd, $0, UnsafeMutableRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self), p.count - 1)
                }
            }
        }
        return FileNameEncoding.decode(buffer[0..<count])
    }

    /// `openTrusted` of a path relative to this directory (or absolute).
    func openTrustedBelow(_ path: String) throws(SystemError) -> DirectoryHandle {
        if path.hasPrefix("/") { return try Self.openTrusted(path) }
        let fd = try system_call("dup", self.path) { dup(self.fd) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return try DirectoryHandle(fd: fd, path: self.path).walkTrusted(path, reportedAs: child(path))
    }
}
