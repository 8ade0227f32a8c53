#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// `DIR/.rotatectl.reserve`: 256 KiB allocated beside the journal while there is room, given back when
/// the file system is so full that the journal cannot be written. The journal must be durable before
/// the first rename, and on a 100% full file system, when rotating and dropping old generations is
/// what would free space, it would otherwise have nowhere to go. Only a regular file of ours with one
/// link is ever removed; anything else under that name is left alone.
public struct JournalReserve {
    public static let name = OwnFiles.reserve
    public static let size: Int64 = 256 << 10
    public let directory: DirectoryHandle
    public init(_ directory: DirectoryHandle) { self.directory = directory }

    public var path: String { directory.child(Self.name) }

    /// Whether the reserve is ours to use or replace.
    private func ours(_ st: FileStatus) -> Bool { st.kind == .regular && st.uid == ProcessIdentity.effectiveUID && st.linkCount == 1 }

    /// Removes the reserve, freeing its blocks; false when there was none of ours.
    public func release() -> Bool {
        guard let st = try? directory.status(Self.name), ours(st) else { return false }
        do {
            try directory.remove(Self.name)
            return true
        } catch {
            return false
        }
    }

    /// Makes sure the reserve exists with its blocks allocated (`posix_fallocate`), best effort: on a
    /// full disk, or a file system that cannot allocate ahead, nothing is left behind.
    public func ensure() {
        if let st = try? directory.status(Self.name) {
            guard ours(st), st.size < Self.size else { return }
            _ = release()
        }
        guard let fd = try? directory.createExclusive(Self.name) else { return }
        let synced = (try? fd.allocate(Self.size, path: path)) != nil && (try? fd.sync(path: path)) != nil
        _ = try? fd.close(path: path)
        if !synced { _ = release() }
    }
}
