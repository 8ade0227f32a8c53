#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// `DIR/.rotatectl.journal`: appended block by block, each fsynced before the steps it describes;
/// removed, and the directory fsynced, when every step is done.
public struct JournalFile {
    public static let name = ".rotatectl.journal"
    public let directory: DirectoryHandle
    public init(_ directory: DirectoryHandle) { self.directory = directory }

    public var path: String { directory.child(Self.name) }

    public func exists() throws(SystemError) -> Bool { try directory.status(Self.name) != nil }

    /// Appends blocks and makes them durable (one `write`, one `fsync`; the directory too when the file is new).
    public func append(_ blocks: [JournalBlock]) throws(SystemError) {
        let isNew = try directory.status(Self.name) == nil
        let fd = try directory.openFile(Self.name, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
        var bytes = isNew ? Array((JournalCodec.header + "\n").utf8) : []
        for block in blocks { JournalCodec.encode(block, into: &bytes) }
        do throws(SystemError) {
            let st = try fd.status(path: path)
            guard st.kind == .regular, st.uid == geteuid(), st.linkCount == 1 else {
                throw SystemError("open", path: path, errno: .notPermitted)
            }
            try fd.writeAll(bytes, path: path)
            try fd.sync(path: path)
            try fd.close(path: path)
        } catch {
            _ = try? fd.close()
            // A journal this call created and could not fill (a full disk) is not left behind empty.
            if isNew { try? directory.remove(Self.name) }
            throw error
        }
        if isNew { try directory.sync() }
    }

    /// Reads the journal, streaming it in 64 KiB pieces; a journal larger than 64 MiB is refused as hostile.
    public func read() throws(SystemError) -> (blocks: [JournalBlock], problem: String?)? {
        guard let st = try directory.status(Self.name) else { return nil }
        guard st.kind == .regular else {
            return ([], "\(path) is not a regular file; refused")
        }
        // Only a journal we wrote is replayed: its steps name any path, and recovery runs them with our ids.
        guard st.uid == geteuid(), st.linkCount == 1, st.mode & 0o022 == 0 else {
            return ([], "\(path) was not written by us (owner uid \(st.uid), mode \(String(st.mode, radix: 8)), \(st.linkCount) links); refused, never replayed")
        }
        guard st.size <= 64 << 20 else { return ([], "\(path) is larger than 64 MiB; refused") }
        let fd = try directory.openRegular(Self.name, O_RDONLY)
        defer { _ = try? fd.close() }
        var bytes: [UInt8] = []
        var offset: Int64 = 0
        while true {
            let chunk = try fd.read(upTo: 65536, at: offset, path: path)
            bytes += chunk
            offset += Int64(chunk.count)
            if chunk.count < 65536 { break }
        }
        return JournalCodec.decode(String(decoding: bytes, as: UTF8.self))
    }

    /// Removes the journal and fsyncs the directory: the rotation it described is complete.
    public func remove() throws(SystemError) {
        try directory.remove(Self.name)
        try directory.sync()
    }
}
