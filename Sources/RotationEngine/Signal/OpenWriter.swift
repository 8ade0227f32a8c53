/// One descriptor of another process open for writing on a file.
public struct OpenWriter: Hashable, Sendable {
    public var pid: Int32
    public var fd: Int32
    /// Opened with `O_APPEND`: its writes go to the end of the file whatever its offset, so truncating or
    /// collapsing the file under it is safe.
    public var append: Bool
    public init(pid: Int32, fd: Int32, append: Bool) { self.pid = pid; self.fd = fd; self.append = append }
}
