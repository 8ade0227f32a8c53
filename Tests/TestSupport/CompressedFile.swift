/// Checks of compressed files with the system's own tools, independent of the code under test.
public enum CompressedFile {
    /// Whether `gzip -t` accepts the file.
    public static func passesGzipTest(_ path: String) -> Bool {
        SpawnedProcess.capture(["/bin/gzip", "-t", path]).status == 0
    }

    /// Whether `zstd -t` accepts the file.
    public static func passesZstdTest(_ path: String) -> Bool {
        SpawnedProcess.capture(["/usr/bin/zstd", "-q", "-t", path]).status == 0
    }

    /// What `TOOL -dc FILE` writes (gzip, bzip2, xz and zstd all take `-dc`), nil if the tool fails.
    public static func decompressed(_ path: String, with tool: String = "/bin/gzip") -> [UInt8]? {
        let result = SpawnedProcess.captureBytes([tool, "-dc", path])
        return result.status == 0 ? result.stdout : nil
    }
}
