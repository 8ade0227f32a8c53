#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

extension DirectoryHandle {
    /// The names in the directory as `readdir(3)` returns them, split into those that are valid UTF-8
    /// (as `String`s) and those that are not (as their raw bytes). `String(cString:)` would repair an
    /// invalid name with U+FFFD, and every later `openat`/`renameat2` by that repaired name would miss
    /// the real file, so callers must see such names apart.
    public func entriesSplittingInvalidNames() throws(SystemError) -> (valid: [String], invalid: [[UInt8]]) {
        let dupfd = try system_call("dup", path) { dup(fd) }
        guard let dir = fdopendir(dupfd) else {
            let e = Errno(rawValue: rotatectl_errno())
            _ = Glibc.close(dupfd)
            throw SystemError("fdopendir", path: path, errno: e)
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var valid: [String] = []
        var invalid: [[UInt8]] = []
        while let entry = readdir(dir) {
            let bytes: [UInt8] = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { p in
                    Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
                }
            }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                valid.append(name)
            } else {
                invalid.append(bytes)
            }
        }
        return (valid, invalid)
    }

    /// A file name for messages: valid UTF-8 as it is, every other byte as `\xNN`.
    public static func displayName(_ bytes: [UInt8]) -> String {
        var out = ""
        var rest = bytes[...]
        while !rest.isEmpty {
            // The longest valid prefix (up to 4 bytes per scalar), else one escaped byte.
            var taken = 0
            for length in stride(from: min(4, rest.count), through: 1, by: -1) {
                if let s = String(validating: rest.prefix(length), as: UTF8.self), s.unicodeScalars.count == 1 {
                    out += s
                    taken = length
                    break
                }
            }
            if taken == 0 {
                out += "\\x" + String(rest[rest.startIndex], radix: 16, uppercase: true).leftPadded(to: 2)
                taken = 1
            }
            rest = rest.dropFirst(taken)
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
