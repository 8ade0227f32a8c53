/// A file's identity: device and inode, as `stat` gives them.
public struct FileKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public init(device: UInt64, inode: UInt64) { self.device = device; self.inode = inode }
    public init(_ status: FileStatus) { self.init(device: status.device, inode: status.inode) }
    public static func < (a: FileKey, b: FileKey) -> Bool { (a.device, a.inode) < (b.device, b.inode) }
    public var description: String { "\(device):\(inode)" }
}
