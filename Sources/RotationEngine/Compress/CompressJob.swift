import SystemPackage

/// One file for `GzipCompressor.compressAll`: descriptors the caller opened (and will close), the paths
/// for messages, and the modification time to store in the gzip header.
public struct CompressJob: Sendable {
    public var source: FileDescriptor
    public var sourcePath: String
    public var destination: FileDescriptor
    public var destinationPath: String
    public var modificationTime: Int64

    public init(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                destinationPath: String, modificationTime: Int64) {
        self.source = source
        self.sourcePath = sourcePath
        self.destination = destination
        self.destinationPath = destinationPath
        self.modificationTime = modificationTime
    }
}
