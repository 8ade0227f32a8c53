import SystemPackage

extension FileDescriptor {
    /// `writeFully` of a byte array (headers and trailers); `withUnsafeBytes` only rethrows untyped.
    func writeBytes(_ bytes: [UInt8], path: String) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try writeFully(buffer, path: path) }
        }
        try result.get()
    }
}
