#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Whole-file reads and writes by path, for setting up and checking tests (not the code under test).
public enum TestFile {
    /// Every byte of the file (`open`, `read` to the end), nil if it cannot be opened.
    public static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }

    /// The file as UTF-8 text (invalid bytes repaired), nil if it cannot be opened.
    public static func text(_ path: String) -> String? { bytes(path).map { String(decoding: $0, as: UTF8.self) } }

    /// Replaces the file's content with `bytes` and sets `mode`; whether every step worked.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644,
                             makingDirectories: Bool = false) -> Bool {
        if makingDirectories {
            let dir = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        return put(bytes, path, O_WRONLY | O_CREAT | O_TRUNC) && chmod(path, mode) == 0
    }

    /// Appends `text` to the file, creating it (mode 0644) if needed; whether it worked.
    @discardableResult
    public static func append(_ text: String, to path: String) -> Bool { put(Array(text.utf8), path, O_WRONLY | O_CREAT | O_APPEND) }

    private static func put(_ bytes: [UInt8], _ path: String, _ flags: Int32) -> Bool {
        let fd = open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Sets the file's access and modification times to `seconds` since the epoch (`utimensat`).
    @discardableResult
    public static func setModified(_ path: String, _ seconds: Int) -> Bool {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        return utimensat(AT_FDCWD, path, &times, 0) == 0
    }

    /// Creates `dir/name` (`O_EXCL`) holding `content`, the name raw bytes that need not be UTF-8;
    /// whether it worked.
    @discardableResult
    public static func createRaw(_ dir: String, _ name: [UInt8], _ content: String = "") -> Bool {
        let fd = rawPath(dir, name).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        }
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(content.utf8)
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// The content (up to 64 KiB) of `dir/name`, the name raw bytes, not following a link; nil if it
    /// cannot be read.
    public static func readRaw(_ dir: String, _ name: [UInt8]) -> String? {
        let fd = rawPath(dir, name).withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n < 0 ? nil : String(decoding: buffer[0..<n], as: UTF8.self)
    }

    private static func rawPath(_ dir: String, _ name: [UInt8]) -> [UInt8] {
        Array(dir.utf8) + [UInt8(ascii: "/")] + name + [0]
    }
}
