#if canImport(Glibc)
import Glibc
#endif

/// A lossless mapping between the bytes of a file name and a Swift `String`, in the spirit of Python's
/// "surrogateescape" (PEP 383): every valid UTF-8 scalar is kept, and every byte that is not part of
/// one becomes a private-use scalar U+10FF80...U+10FFFF (byte + 0x10FF00). `encode(decode(b)) == b`
/// for every byte string, so a name that is not UTF-8 reaches `openat`/`renameat2` exactly as `readdir`
/// gave it. Decode bytes from the kernel or a file; encode a `String` for a system call; `display` it
/// for a person.
public enum FileNameEncoding {
    /// The scalar that stands for byte `b` is `escapeBase + b` (only bytes 0x80...0xFF are escaped).
    static let escapeBase: UInt32 = 0x10FF00
    /// Scalars that stand for one byte each. A real such character in a name is escaped byte by byte,
    /// so it survives too.
    static let escapeRange: ClosedRange<UInt32> = 0x10FF80...0x10FFFF
    /// The first byte of every escape scalar's UTF-8 (and of every scalar above U+FFFFF): a string
    /// without it is its own encoding.
    static let escapeLead: UInt8 = 0xF4

    // MARK: bytes → String

    /// The name `bytes` stands for.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if !bytes.contains(escapeLead), let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let length = validScalarLength(bytes, at: i)
            if length > 0, let kept = scalar(bytes, at: i, length: length), !escapeRange.contains(kept.value) {
                scalars.append(kept)
                i += length
            } else if length > 0 {
                for k in i..<i + length { scalars.append(escape(bytes[k])) }
                i += length
            } else {
                scalars.append(escape(bytes[i]))
                i += 1
            }
        }
        return String(scalars)
    }

    /// `decode` of a NUL-terminated C string (an argument, an environment entry, a `d_name`).
    public static func decode(cString: UnsafePointer<CChar>) -> String {
        decode(UnsafeBufferPointer(start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self), count: strlen(cString)))
    }

    /// `decode` of any byte collection.
    public static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let s = bytes.withContiguousStorageIfAvailable({ decode($0) }) { return s }
        return Array(bytes).withUnsafeBufferPointer { decode($0) }
    }

    /// The length of the well-formed UTF-8 sequence starting at `i` (1...4), or 0 if the byte there
    /// starts none (a continuation byte, an overlong form, a surrogate, a value past U+10FFFF, a cut
    /// sequence), by the table of Unicode 15 §3.9 (Table 3-7).
    static func validScalarLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let lead = b[i]
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            i + k < b.count && range.contains(b[i + k])
        }
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return continuation(1) ? 2 : 0
        case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
        case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
        case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default: return 0
        }
    }

    /// The scalar of a sequence `validScalarLength` found well-formed.
    static func scalar(_ b: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> Unicode.Scalar? {
        var value: UInt32
        switch length {
        case 1: return Unicode.Scalar(b[i])
        case 2: value = UInt32(b[i] & 0x1F)
        case 3: value = UInt32(b[i] & 0x0F)
        default: value = UInt32(b[i] & 0x07)
        }
        for k in 1..<length { value = value << 6 | UInt32(b[i + k] & 0x3F) }
        return Unicode.Scalar(value)
    }

    static func escape(_ byte: UInt8) -> Unicode.Scalar {
        // 0x10FF00 + a byte is always a valid scalar (plane 16, not a surrogate).
        Unicode.Scalar(escapeBase + UInt32(byte)) ?? "\u{FFFD}"
    }

    /// The byte an escape scalar stands for, nil for any other scalar.
    static func escapedByte(_ scalar: Unicode.Scalar) -> UInt8? {
        escapeRange.contains(scalar.value) ? UInt8(truncatingIfNeeded: scalar.value - escapeBase) : nil
    }

    // MARK: String → bytes

    /// Whether `name` may hold an escape scalar: false means its UTF-8 is its encoding.
    public static func mayHoldEscapes(_ name: String) -> Bool {
        if let found = name.utf8.withContiguousStorageIfAvailable({ $0.contains(escapeLead) }) { return found }
        return name.utf8.contains(escapeLead)
    }

    /// The bytes `name` stands for: escape scalars as their single byte, everything else as UTF-8.
    /// Room is kept for one more byte, so appending a NUL does not copy.
    public static func encode(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count + 1)
        guard mayHoldEscapes(name) else {
            out.append(contentsOf: name.utf8)
            return out
        }
        for scalar in name.unicodeScalars {
            if let byte = escapedByte(scalar) {
                out.append(byte)
            } else if let utf8 = UTF8.encode(scalar) {
                out.append(contentsOf: utf8)
            }
        }
        return out
    }

    /// The number of bytes `encode(name)` returns (what `NAME_MAX` limits).
    public static func encodedCount(_ name: String) -> Int {
        guard mayHoldEscapes(name) else { return name.utf8.count }
        return name.unicodeScalars.reduce(0) { $0 + (escapedByte($1) != nil ? 1 : UTF8.width($1)) }
    }

    /// Calls `body` with `encode(name)` as a NUL-terminated C string, valid only during the call: what
    /// every system call taking a name or path is given.
    public static func withCString<R>(_ name: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        guard mayHoldEscapes(name) else { return name.withCString(body) }
        var bytes = encode(name)
        bytes.append(0)
        return bytes.withUnsafeBytes { raw in
            body(raw.bindMemory(to: CChar.self).baseAddress ?? emptyCString)
        }
    }
    nonisolated(unsafe) private static let emptyCString: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    // MARK: String → text for a person

    /// `name` for a message, the text output or JSON: every escape scalar as `\xNN` (uppercase hex),
    /// everything else as it is. The result is valid UTF-8 without escape scalars.
    public static func display(_ name: String) -> String {
        guard mayHoldEscapes(name), name.unicodeScalars.contains(where: { escapedByte($0) != nil }) else { return name }
        var out = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            if let byte = escapedByte(scalar) {
                out.append(contentsOf: "\\x".unicodeScalars)
                out.append(contentsOf: hex(byte).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Raw name bytes for a person: `display(decode(bytes))`.
    public static func display(bytes: [UInt8]) -> String { display(decode(bytes)) }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        return String(String.UnicodeScalarView([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]))
    }
}
