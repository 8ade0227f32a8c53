#if canImport(Glibc)
import Glibc
#endif

/// The parts of `struct stat` the engine uses; a value so the planner can take it without a disk.
public struct FileStatus: Sendable, Equatable, Hashable {
    public enum Kind: UInt8, Sendable, Equatable, Hashable { case regular, directory, symlink, fifo, socket, other }
    public var kind: Kind
    public var size: Int64
    public var mode: UInt32          // permission bits only
    public var uid: UInt32
    public var gid: UInt32
    public var linkCount: UInt64
    public var device: UInt64
    public var inode: UInt64
    public var modified: Timestamp
    public var accessed: Timestamp
    /// The file system's preferred I/O size (`st_blksize`); 0 when not known.
    public var blockSize: Int64 = 0

    public init(kind: Kind = .regular, size: Int64 = 0, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
                linkCount: UInt64 = 1, device: UInt64 = 0, inode: UInt64 = 0,
                modified: Timestamp = Timestamp(seconds: 0), accessed: Timestamp = Timestamp(seconds: 0)) {
        self.kind = kind; self.size = size; self.mode = mode; self.uid = uid; self.gid = gid
        self.linkCount = linkCount; self.device = device; self.inode = inode
        self.modified = modified; self.accessed = accessed
    }

    init(_ st: Glibc.stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        default: kind = .other
        }
        size = Int64(st.st_size)
        mode = UInt32(st.st_mode & 0o7777)
        uid = st.st_uid
        gid = st.st_gid
        linkCount = UInt64(st.st_nlink)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        modified = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int64(st.st_mtim.tv_nsec))
        accessed = Timestamp(seconds: Int64(st.st_atim.tv_sec), nanoseconds: Int64(st.st_atim.tv_nsec))
        blockSize = Int64(st.st_blksize)
    }
}

extension FileStatus.Kind {
    /// The kind as a message names it: "a FIFO", "a directory"...
    public var described: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .symlink: "a symbolic link"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .other: "a device or other special file"
        }
    }
}

/// Seconds and nanoseconds since the epoch, as the file system keeps them.
public struct Timestamp: Sendable, Equatable, Hashable, Comparable, Codable {
    public var seconds: Int64
    public var nanoseconds: Int64
    public init(seconds: Int64, nanoseconds: Int64 = 0) { self.seconds = seconds; self.nanoseconds = nanoseconds }
    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}
