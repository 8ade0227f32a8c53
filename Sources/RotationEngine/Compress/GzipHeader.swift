/// The fixed part of a gzip member header (RFC 1952) as rotatectl writes it: deflate, the source's
/// modification time, the optional original name (FNAME, the name's bytes), OS = Unix. No FEXTRA, FCOMMENT or FHCRC.
public struct GzipHeader: Sendable, Equatable {
    /// Seconds since the epoch; 0 means "none", as in gzip. Times outside 1970…2106 are stored as 0.
    public var modificationTime: UInt32
    public var name: String?
    /// XFL: 2 for the slowest level, 4 for the fastest, else 0.
    public var extraFlags: UInt8
    public var operatingSystem: UInt8

    public init(modificationTime: Int64, name: String? = nil, level: Int32 = 6) {
        self.modificationTime = (0...Int64(UInt32.max)).contains(modificationTime) ? UInt32(modificationTime) : 0
        self.name = name
        self.extraFlags = level == 9 ? 2 : level == 1 ? 4 : 0
        self.operatingSystem = 3
    }

    /// The header's bytes.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [0x1f, 0x8b, 8, name == nil ? 0 : 0x08]
        bytes += Self.littleEndian(modificationTime)
        bytes += [extraFlags, operatingSystem]
        if let name {
            bytes += FileNameEncoding.encode(name).filter { $0 != 0 }
            bytes.append(0)
        }
        return bytes
    }

    /// Parses the header at the start of `bytes`; returns it and its length, or nil if it is not a
    /// complete gzip deflate header. FEXTRA, FCOMMENT and FHCRC are skipped over.
    public static func decode(_ bytes: [UInt8]) -> (header: GzipHeader, length: Int)? {
        guard bytes.count >= 10, bytes[0] == 0x1f, bytes[1] == 0x8b, bytes[2] == 8 else { return nil }
        let flags = bytes[3]
        var header = GzipHeader(modificationTime: 0)
        header.modificationTime = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
        header.extraFlags = bytes[8]
        header.operatingSystem = bytes[9]
        var at = 10
        if flags & 0x04 != 0 {
            guard bytes.count >= at + 2 else { return nil }
            at += 2 + (Int(bytes[at]) | Int(bytes[at + 1]) << 8)
        }
        func zeroTerminated() -> [UInt8]? {
            guard at <= bytes.count, let end = bytes[at...].firstIndex(of: 0) else { return nil }
            defer { at = end + 1 }
            return Array(bytes[at..<end])
        }
        if flags & 0x08 != 0 {
            guard let name = zeroTerminated() else { return nil }
            header.name = FileNameEncoding.decode(name)
        }
        if flags & 0x10 != 0 { guard zeroTerminated() != nil else { return nil } }
        if flags & 0x02 != 0 { at += 2 }
        guard at <= bytes.count else { return nil }
        return (header, at)
    }

    /// The 8-byte trailer: CRC-32 of the data and its length modulo 2^32, little-endian.
    public static func trailer(crc: UInt32, size: Int64) -> [UInt8] {
        littleEndian(crc) + littleEndian(UInt32(truncatingIfNeeded: size))
    }

    static func littleEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
    }
}
