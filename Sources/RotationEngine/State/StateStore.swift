#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The state file: when each log was last rotated. Reads logrotate's `status` file and rotatectl's older
/// layout (see `StateFormat`), writes logrotate's, atomically (temporary file, `fsync`, `rename`, `fsync` of the
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
        /// Lines skipped as damaged; `update` keeps a copy as `NAME.damaged` too.
        public var damagedLines = 0

        /// A damaged header or damaged lines: the run that reads it fails (see `StateSession`).
        public var isDamaged: Bool { headerDamaged || damagedLines > 0 }

        /// The next write must happen even if no entry changed: the file is in rotatectl's older layout, or
        /// damaged.
        var needsRewrite: Bool { format == .rotatectl || isDamaged }
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
        return (session.entries(), session.takeWarnings() + session.takeDamage())
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
        guard let file = try dir.readWholeFile(name, limit: Int(maxSize)) else {
            return Document(entries: [:], warnings: [], format: nil, headerDamaged: false)
        }
        guard file.status.kind == .regular else { throw StateError.notRegularFile(path: path) }
        let decoded = StateCodec.decode(file.bytes, path: path)
        return Document(entries: decoded.entries, warnings: decoded.warnings, format: decoded.format,
                        headerDamaged: decoded.headerDamaged, damagedLines: decoded.damagedLines)
    }

    /// Writes the state file in full: a temporary `.rotatectl-state.XXXXXXXX` beside it
    /// (`O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600), `fsync`, `rename` over the old file, `fsync` of the
    /// directory. Creates the directory (0700) if missing. Either the old or the new file is there
    /// afterwards, never a mix, and no temporary file is left behind.
    public static func save(_ entries: StateTable, path: String, format: StateFormat = .logrotate) throws(SystemError) {
        if StatePath.isDiscarded(path) { return }
        let parts = StatePath(path)
        let dir = try parts.openOrCreateDirectory()
        try save(entries, in: dir, name: parts.name, format: format)
    }

    public static func save(_ entries: [String: Int64], path: String, format: StateFormat = .logrotate) throws(SystemError) {
        try save(StateTable(entries), path: path, format: format)
    }

    /// With `lock` (the run's `StateFileLock`), the new file is locked before it is renamed into place and
    /// the lock keeps it: no other run finds the new file unlocked.
    static func save(_ entries: StateTable, in dir: DirectoryHandle, name: String, format: StateFormat,
                     lock: StateFileLock? = nil) throws(SystemError) {
        var kept: FileDescriptor?
        do throws(SystemError) {
            try dir.writeDurably(name, mode: 0o600, temporary: .random(prefix: temporaryPrefix)) { fd, tempPath throws(SystemError) in
                try StateCodec.encode(entries, format: format) { (chunk: [UInt8]) throws(SystemError) in
                    try fd.writeAll(chunk, path: tempPath)
                }
                if lock != nil { kept = try StateFileLock.lockForAdoption(fd, path: tempPath) }
            }
        } catch {
            try? kept?.close(path: dir.child(name))
            throw error
        }
        guard let lock, let kept else { return }
        do throws(SystemError) {
            try lock.adopt(kept, path: dir.child(name))
        } catch {
            try? kept.close(path: dir.child(name))
            throw error
        }
    }

    /// The temporary files beside the state file: `.rotatectl-state.` and 8 hex digits.
    static let temporaryPrefix = ".rotatectl-state."

    /// Locks the state (`StateLock`), reads it, lets `body` change the entries, and writes it back if
    /// anything changed; then unlocks. `body` sees what is on disk at that moment, so two runs that
    /// each set their own logs' entries both keep them. The file is written in logrotate's layout, also
    /// when only its layout or its damage would change. A damaged file is kept as `NAME.damaged` before
    /// being replaced. Returns the load warnings.
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
    static func update(in dir: DirectoryHandle, name: String, lock: StateFileLock? = nil, _ body: (inout StateTable) throws -> Void)
        throws -> (entries: StateTable, written: Bool, warnings: [String], notes: [String]) {
        let doc = try loadDocument(in: dir, name: name)
        var entries = doc.entries
        try body(&entries)
        let exists = try dir.status(name) != nil
        guard entries != doc.entries || !exists || doc.needsRewrite else {
            return (entries, false, doc.warnings, [])
        }
        var notes: [String] = []
        if doc.isDamaged {
            let keep = name + ".damaged"
            try dir.remove(keep)
            // A second name, then the new file over the first: killed in between, the damaged file is
            // still the state file and the next run does this again; never a moment without one.
            do { try dir.hardLink(name, as: keep) } catch { try dir.rename(name, to: dir, as: keep) }
            notes.append("\(dir.child(name)): damaged state file kept as \(dir.child(keep))")
        }
        try save(entries, in: dir, name: name, format: .logrotate, lock: lock)
        return (entries, true, doc.warnings, notes)
    }
}
