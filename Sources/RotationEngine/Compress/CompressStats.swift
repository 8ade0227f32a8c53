/// What one compression did: bytes read from the source and written to the destination.
public struct CompressStats: Sendable, Equatable {
    public var bytesIn: Int64
    public var bytesOut: Int64
    public init(bytesIn: Int64, bytesOut: Int64) { self.bytesIn = bytesIn; self.bytesOut = bytesOut }
}
