#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The name a durable write writes under before renaming into place.
public enum TemporaryName: Sendable, Equatable {
    /// `PREFIX` and 8 random hex digits, another drawn while the name is taken.
    case random(prefix: String)
    /// This name (deterministic, so a recovery finds it again); it must not exist.
    case fixed(String)
}

extension DirectoryHandle {
    /// Creates or replaces `name` so that a crash leaves either the old file or the new one, whole, and
    /// never a temporary file after a failure: a temporary file (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600),
    /// `fchmod(mode)` when given, `fill` writes it, `fsync`, `close`, `renameat` over `name` (or, when
    /// `replace` is false, `renameat2(RENAME_NOREPLACE)`, failing with EEXIST), then `fsync` of this
    /// directory unless `syncDirectory` is false (a caller syncing many renames at once). `fill` gets the
    /// descriptor and the temporary file's path, for messages.
    public func writeDurably(_ name: String, mode: UInt32? = 0o600,
                             temporary: TemporaryName = .random(prefix: ".rotatectl-tmp."),
                             replace: Bool = true, syncDirectory: Bool = true,
                             _ fill: (_ fd: FileDescriptor, _ path: String) throws(SystemError) -> Void) throws(SystemError) {
        let (tempName, fd) = try createTemporary(temporary)
        let tempPath = child(tempName)
        do throws(SystemError) {
            if let mode { try fd.setMode(mode, path: tempPath) }
            try fill(fd, tempPath)
            try fd.sync(path: tempPath)
        } catch {
            try? fd.close(path: tempPath)
            try? remove(tempName)
            throw error
        }
        do throws(SystemError) {
            try fd.close(path: tempPath)
            if replace {
                try self.replace(name, with: tempName)
            } else {
                try rename(tempName, to: self, as: name)
            }
        } catch {
            try? remove(tempName)
            throw error
        }
        if syncDirectory { try sync() }
    }

    /// A new file (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600) under a temporary name: its name and descriptor.
    public func createTemporary(_ temporary: TemporaryName) throws(SystemError) -> (name: String, fd: FileDescriptor) {
        switch temporary {
        case .fixed(let name):
            return (name, try createExclusive(name))
        case .random(let prefix):
            var attempt = 0
            while true {
                let name = prefix + String(UInt32.random(in: 0...UInt32.max), radix: 16)
                do {
                    return (name, try createExclusive(name))
                } catch where error.errno == .fileExists && attempt < 100 {
                    attempt += 1
                }
            }
        }
    }
}
