/// One log's rotation record: the path as the configuration named it (after glob expansion) and the
/// time it was last rotated, in seconds since the epoch.
public struct StateEntry: Sendable, Equatable, Hashable {
    public var path: String
    public var lastRotated: Int64

    public init(path: String, lastRotated: Int64) {
        self.path = path
        self.lastRotated = lastRotated
    }
}
