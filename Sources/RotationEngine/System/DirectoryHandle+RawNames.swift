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
        var valid: [String] = []
        var invalid: [[UInt8]] = []
        try forEachEntryName { bytes in
            if let name = String(validating: bytes, as: UTF8.self) {
                valid.append(name)
            } else {
                invalid.append(Array(bytes))
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
