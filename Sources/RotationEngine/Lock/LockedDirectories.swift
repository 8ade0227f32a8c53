import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The directories this process holds the lock of (with the thread holding each), and those its parent
/// rotatectl run said it holds through `ROTATECTL_LOCKED_DIRS` (colon-separated `device:inode` entries).
struct LockedDirectories: Sendable {
    static let environmentName = "ROTATECTL_LOCKED_DIRS"
    static let held = Mutex<[FileKey: pthread_t]>([:])

    /// Parses the environment value; malformed entries are ignored.
    static func parse(_ value: String?) -> Set<FileKey> {
        guard let value else { return [] }
        var keys: Set<FileKey> = []
        for entry in value.split(separator: ":", omittingEmptySubsequences: true).chunkedPairs() {
            if let device = UInt64(entry.0), let inode = UInt64(entry.1) {
                keys.insert(FileKey(device: device, inode: inode))
            }
        }
        return keys
    }

    static func format(_ keys: Set<FileKey>) -> String {
        keys.sorted().map(\.description).joined(separator: ":")
    }
}

extension Array where Element == Substring {
    /// `[a, b, c, d]` as `[(a, b), (c, d)]`; an odd last element is dropped.
    fileprivate func chunkedPairs() -> [(Substring, Substring)] {
        stride(from: 0, to: count - 1, by: 2).map { (self[$0], self[$0 + 1]) }
    }
}
