/// What one compression did: bytes read from the source and written to the destination, and what an
/// external compressor that succeeded wrote on its standard error (reported as a warning, as logrotate does).
public struct CompressStats: Sendable, Equatable {
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var messages = ""
    public init(bytesIn: Int64, bytesOut: Int64, messages: String = "") {
        (self.bytesIn, self.bytesOut, self.messages) = (bytesIn, bytesOut, messages)
    }
}
