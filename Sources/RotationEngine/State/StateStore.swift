#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The state file: when each log was last rotated. Reads logrotate's `status` file and its own layout
/// (see `StateFormat`); writes atomically (temporary file, `fsync`, `rename`, `fsync` of the
/// directory) with mode 0600. A path of `/dev/null` keeps no state, as in logrotate.
///
/// Paths are the bytes of the names (`FileNameEncoding`): every name — quotes, backslashes, blanks,
/// newlines, control characters, any Unicode, bytes that are not UTF-8 — survives a save and a load.
public enum StateStore {
    /// A state file as read: its entries, warnings about what was skipped, and its layout.
    public struct Document: Sendable, Equatable {
        public var entries: StateTable
        public var warnings: [String]
        /// The layout it was in; nil when the file was missing, empty or had a damaged header.
        public var format: StateFormat?
        /// It had content but no header we know; `update` keeps a copy as `NAME.damaged`.
        public var headerDamaged: Bool
    }

    /// A state file larger than this is refused unread (about a million logs' entries): reading a huge
    /// or sparse file whole would exhaust memory.
    static let maxSize: Int64 = 64 << 20

    /// Reads the state file, with the rotations `STATE.pending` holds applied (see `StateSession`). A
    /// missing file is empty state without a warning. A damaged line is skipped with the warning
    /// `PATH:LINE: damaged state entry skipped: WHY`; an unreadable file is empty state with a warning
    /// saying why.
    public static func load(path: String) -> (entries: StateTable, warnings: [String]) {
        let session = StateSession(path: path)
        return (session.entries(), session.takeWarnings())
    }

    /// Reads the state file, throwing when it exists but cannot be read (so a caller about to write it
    /// back does not replace state it could not see).
    public static func loadDocument(path: String) throws -> Document {
        if StatePath.isDiscarded(path) { return Document(entries: [:], warnings: [], format: nil, headerDamaged: false) }
        let parts = StatePath(path)
        guard let dir = try parts.openDirectory() else {
            return Document(entries: [:], warnings: [], format: nil, headerDamaged: false)
        }
        return try loadDocument(in: dir, name: parts.name)
    }

    static func loadDocument(in dir: DirectoryHandle, name: String) throws -> Document {
        let path = dir.child(name)
        let fd: FileDescriptor
        do {
            fd = try dir.openFile(name, O_RDONLY | O_NONBLOCK)   // a FIFO must not block the open
        } catch where error.errno == .noSuchFileOrDirectory {
            return Document(entries: [:], warnings: [], format: nil, headerDamaged: false)
        }
        defer { try? fd.close(path: path) }
        let st = try fd.status(path: path)
        guard st.kind == .regular else { throw StateError.notRegularFile(path: path) }
        guard st.size <= maxSize else { throw SystemError("read", path: path, errno: .fileTooLarge) }
        let bytes = try read(fd, size: Int(st.size), path: path)
        let decoded = StateCodec.decode(bytes, path: path)
        return Document(entries: decoded.entries, warnings: decoded.warnings, format: decoded.format,
                        headerDamaged: decoded.headerDamaged)
    }

    /// Writes the state file in full: a temporary `.rotatectl-state.XXXXXXXX` beside it
    /// (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600), `fsync`, `rename` over the old file, `fsync` of the
    /// directory. Creates the directory (0700) if missing. Either the old or the new file is there
    /// afterwards, never a mix, and no temporary file is left behind.
    public static func save(_ entries: StateTable, path: String, format: StateFormat = .rotatectl) throws(SystemError) {
        if StatePath.isDiscarded(path) { return }
        let parts = StatePath(path)
        let dir = try parts.openOrCreateDirectory()
        try save(entries, in: dir, name: parts.name, format: format)
    }

    public static func save(_ entries: [String: Int64], path: String, format: StateFormat = .rotatectl) throws(SystemError) {
        try save(StateTable(entries), path: path, format: format)
    }

    static func save(_ entries: StateTable, in dir: DirectoryHandle, name: String, format: StateFormat) throws(SystemError) {
        let (tempName, fd) = try createTemporary(in: dir)
        let tempPath = dir.child(tempName)
        do throws(SystemError) {
            try fd.setMode(0o600, path: tempPath)
            try StateCodec.encode(entries, format: format) { (chunk: [UInt8]) throws(SystemError) in
                try write(chunk, to: fd, path: tempPath)
            }
            try fd.sync(path: tempPath)
        } catch {
            try? fd.close(path: tempPath)
            try? dir.remove(tempName)
            throw error
        }
        do throws(SystemError) {
            try fd.close(path: tempPath)
            try dir.replace(name, with: tempName)
        } catch {
            try? dir.remove(tempName)
            throw error
        }
        try dir.sync()
    }

    /// A new temporary file beside the state file, retrying on a name already taken.
    static func createTemporary(in dir: DirectoryHandle) throws(SystemError) -> (String, FileDescriptor) {
        var attempt = 0
        while true {
            let name = ".rotatectl-state." + String(UInt32.random(in: 0...UInt32.max), radix: 16)
            do {
                return (name, try dir.createExclusive(name))
            } catch where error.errno == .fileExists && attempt < 100 {
                attempt += 1
            }
        }
    }

    /// Locks the state (`StateLock`), reads it, lets `body` change the entries, and writes it back if
    /// anything changed; then unlocks. `body` sees what is on disk at that moment, so two runs that
    /// each set their own logs' entries both keep them. The file keeps its layout (a logrotate
    /// `status` file stays readable by logrotate); new files are written in rotatectl's. A file with a
    /// damaged header is kept as `NAME.damaged` before being replaced. Returns the load warnings.
    @discardableResult
    public static func update(path: String, timeout: Double? = nil,
                              _ body: (inout StateTable) throws -> Void) throws -> [String] {
        if StatePath.isDiscarded(path) {
            var scratch: StateTable = [:]
            try body(&scratch)
            return []
        }
        let parts = StatePath(path)
        let lock = try StateLock.acquire(statePath: path, timeout: timeout)
        defer { lock.release() }
        let result = try update(in: lock.directory, name: parts.name, body)
        return result.warnings + result.notes
    }

    /// `update` with the state lock already held by the caller: returns the entries as they now are on
    /// disk, whether the file was written, the load warnings, and notes on what was done (a damaged
    /// file kept aside).
    static func update(in dir: DirectoryHandle, name: String, _ body: (inout StateTable) throws -> Void)
        throws -> (entries: StateTable, written: Bool, warnings: [String], notes: [String]) {
        let doc = try loadDocument(in: dir, name: name)
        var entries = doc.entries
        try body(&entries)
        let exists = try dir.status(name) != nil
        guard entries != doc.entries || !exists else { return (entries, false, doc.warnings, []) }
        var notes: [String] = []
        if doc.headerDamaged {
            let keep = name + ".damaged"
            try dir.remove(keep)
            try dir.rename(name, to: dir, as: keep)
            notes.append("\(dir.child(name)): damaged state file kept as \(dir.child(keep))")
        }
        try save(entries, in: dir, name: name, format: doc.format ?? .rotatectl)
        return (entries, true, doc.warnings, notes)
    }

    /// The whole file in one `pread` loop.
    static func read(_ fd: FileDescriptor, size: Int, path: String) throws(SystemError) -> [UInt8] {
        // Read straight into the array: no second copy of a state file of 100,000 entries.
        var failure: SystemError?
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, initialized in
            do throws(SystemError) {
                initialized = try fd.readFully(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<size]), at: 0, path: path)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// All of `bytes` in one `write` loop.
    static func write(_ bytes: [UInt8], to fd: FileDescriptor, path: String) throws(SystemError) {
        var failure: SystemError?
        bytes.withUnsafeBytes { raw in
            do throws(SystemError) { try fd.writeFully(raw, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
