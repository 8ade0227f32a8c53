#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The state file as one run holds it: read once, kept current cheaply, written once at the end.
///
/// Each set's rotations are appended (with `fsync`, under `StateLock`) to `STATE.pending`, so they are
/// durable before the set's journal is removed, at a cost of the set's size, not the state's. The
/// whole state file is written by `flush()`: at the end of the run and at most every
/// `flushInterval` seconds, merging what other runs wrote meanwhile as `StateStore.update` does, then
/// the side file is removed. Reading applies the side file, so a run killed before its flush loses
/// nothing. `entries()` looks at the two files' identity and size (`fstatat`) and re-reads only what
/// changed: the tail another run appended, or everything after another run's flush.
///
/// The file is always written in logrotate's layout, without the entries `StateRetention` forgets; a
/// file in rotatectl's older layout, a damaged one, or one with entries to forget is written at the end
/// of the run even when the run recorded nothing. A damaged file (a damaged header or damaged lines)
/// is reported by `takeDamage()`, once per version of the file read: the run rotates from what could be
/// read and fails.
public final class StateSession {
    public let path: String
    let timeout: Double?
    let parts: StatePath
    let pendingName: String
    let discarded: Bool
    /// Seconds between two writes of the whole file during a long run.
    let flushInterval: Double
    /// The run's lock on the state file: each whole-file write hands it the new file.
    let runLock: StateFileLock?
    /// Mid-run writes stop when the run's lock holds this many files (the side file keeps rotations durable).
    static let lockedFileLimit = 64

    /// The state as this run sees it: the file, the side file, and what this run recorded.
    var table: StateTable = [:]
    /// Rotations recorded since the last `entries()`: applied then, so that the copy a caller still
    /// holds is not copied on write.
    var recent: [StateMark] = []
    /// First-seen logs of this run (each set's table, shared, not copied, and the hour to record),
    /// not yet in the state file; `unseen` counts those not yet applied to `table`. They are not in the
    /// side file: losing one in a crash only records it on the next run.
    var newLogs: [(logs: StateTable, hour: Int64)] = []
    var unseen = 0
    /// Rotations whose append to the side file failed: kept for the final write.
    var undurable: [StateMark] = []
    var stateSeen: Signature?
    var pendingSeen: Signature?
    var pendingOffset: Int64 = 0
    private var lastFlush = monotonicNow()
    private var recorded = false
    private var growth = 0
    /// The writability proof's outcome, once made; a failed append turns it into a failure.
    private var proof: Result<Void, any Error>?
    /// The run's clock, for `StateRetention`.
    let now: Int64
    /// The layout and damage of the state file as last read.
    var seen = StateStore.Document(entries: [:], warnings: [], format: nil, headerDamaged: false)
    /// A message per damaged version of the state file read; taken by `takeDamage()`.
    var damage: [String] = []
    /// Whole-file writes this run (`ROTATECTL_STATE_WRITES=PATH` in debug builds reports it).
    private(set) var writes = 0
    /// Problems met while reading, for the caller to report; taken by `takeWarnings()`.
    var warnings: [String] = []

    /// What identifies a version of a file: a write of ours or another run's changes one of these.
    struct Signature: Equatable {
        var device: UInt64, inode: UInt64, size: Int64, modified: Timestamp
        init(_ st: FileStatus) { device = st.device; inode = st.inode; size = st.size; modified = st.modified }
        func sameFile(_ other: Signature) -> Bool { device == other.device && inode == other.inode }
    }

    /// Reads the state file at `path` and its side file. An unreadable file is empty state with a
    /// warning, as `StateStore.load` has it.
    public init(path: String, timeout: Double? = nil, flushInterval: Double = 5, now: Int64? = nil, runLock: StateFileLock? = nil) {
        self.path = path
        self.runLock = runLock
        self.now = now ?? Int64(wallClockNow())
        self.timeout = timeout
        self.parts = StatePath(path)
        self.pendingName = parts.name + ".pending"
        self.discarded = StatePath.isDiscarded(path)
        self.flushInterval = Self.flushIntervalOverride ?? flushInterval
        guard !discarded else { return }
        do {
            if let dir = try parts.openDirectory() { try reload(dir) }
        } catch {
            warnings.append("\(error)")
        }
    }

    /// The side file's path.
    public var pendingPath: String { parts.directory == "/" ? "/" + pendingName : parts.directory + "/" + pendingName }

    public func takeWarnings() -> [String] {
        defer { warnings = [] }
        return warnings
    }

    /// One message per damaged state file read since the last call: the caller fails the run with it.
    public func takeDamage() -> [String] {
        defer { damage = [] }
        return damage
    }

    /// The entries now: what this run recorded, and what other runs wrote since it last looked.
    public func entries() -> StateTable {
        for m in recent { table[m.path] = m.time }
        recent = []
        applyNewLogs(newLogs.suffix(unseen), to: &table)
        unseen = 0
        guard !discarded else { return table }
        do {
            if let dir = try parts.openDirectory() { try refresh(dir) }
        } catch {
            warnings.append("\(error)")
        }
        return table
    }

    /// Bytes the entries this run expects to record take (see `proveWritable`).
    public func expectGrowth(_ bytes: Int) { growth = bytes }

    /// Proves, once per run, that the state can be written: a temporary file beside it the size of the
    /// state plus the expected growth (twice: the side file and the new file) is written, synced and
    /// removed. Fails when that did, or when appending a set's rotations failed since.
    public func proveWritable() -> Result<Void, any Error> {
        if discarded { return .success(()) }
        if let proof { return proof }
        let result: Result<Void, any Error>
        do {
            try reserve()
            result = .success(())
        } catch {
            result = .failure(error)
        }
        proof = result
        return result
    }

    private func reserve() throws(SystemError) {
        let dir = try parts.openOrCreateDirectory()
        // Only a regular file's size counts, and no more than a state file is allowed to be: a sparse
        // 5 GiB "state" is refused when read and must not be copied here.
        func size(_ name: String) throws(SystemError) -> Int64 {
            guard let st = try dir.status(name), st.kind == .regular else { return 0 }
            return min(st.size, StateStore.maxSize)
        }
        try reserve(Int(try size(parts.name) + size(pendingName)) + 2 * growth + 4096, in: dir)
    }

    private func reserve(_ size: Int, in dir: DirectoryHandle) throws(SystemError) {
        let (name, fd) = try dir.createTemporary(.random(prefix: StateStore.temporaryPrefix))
        let tempPath = dir.child(name)
        defer { try? dir.remove(name) }
        do {
            try fill(fd, size: size, path: tempPath)
        } catch {
            try? fd.close(path: tempPath)
            throw error
        }
        try fd.close(path: tempPath)
    }

    private func fill(_ fd: FileDescriptor, size: Int, path: String) throws(SystemError) {
        let chunk = [UInt8](repeating: 0, count: min(size, 1 << 16))
        var left = size
        while left > 0 {
            try fd.writeAll(left >= chunk.count ? chunk : Array(chunk[0..<left]), path: path)
            left -= chunk.count
        }
        try fd.sync(path: path)
    }

    /// Records a set's rotations (`marks`, appended durably to the side file before returning) and its
    /// first-seen logs (`newLogs`, at `hour`, kept for the next write). On failure the rotations are
    /// still kept for the final write, and `proveWritable` fails from then on.
    public func record(marks: [StateMark], newLogs: StateTable, hour: Int64) throws {
        guard !discarded else { return }
        if !newLogs.isEmpty {
            self.newLogs.append((newLogs, hour))
            unseen += 1
        }
        recent += marks
        recorded = true
        guard !marks.isEmpty else { return }
        do {
            try append(marks)
        } catch {
            undurable += marks
            proof = .failure(error)
            throw error
        }
    }

    private func append(_ marks: [StateMark]) throws {
        let dir = try parts.openOrCreateDirectory()
        let lock = try StateLock.acquire(in: dir, name: parts.name + ".lock", timeout: timeout)
        defer { lock.release() }
        let pendingPath = dir.child(pendingName)
        let fd = try dir.openFile(pendingName, O_WRONLY | O_APPEND | O_CREAT, mode: 0o600)
        do {
            guard try fd.status(path: pendingPath).kind == .regular else { throw StateError.notRegularFile(path: pendingPath) }
            try fd.writeAll(PendingMarks.encode(marks), path: pendingPath)
            try fd.sync(path: pendingPath)
        } catch {
            try? fd.close(path: pendingPath)
            throw error
        }
        try fd.close(path: pendingPath)
        FaultInjection.point("state marks appended")
    }

    /// Whether a whole-file write is due during the run (`flushInterval` passed since the last).
    public var flushDue: Bool {
        recorded && monotonicNow() - lastFlush >= flushInterval && (runLock?.count ?? 0) < Self.lockedFileLimit
    }

    /// Writes the state file in full under the state lock: the file as it is on disk, the side file, this
    /// run's first-seen logs and any rotations the side file could not take, less the entries
    /// `StateRetention` forgets; then removes the side file. Nothing is written when this run recorded
    /// nothing, no side file was seen, and the file as read needs no rewrite and forgets nothing. Returns
    /// what a person should know (a damaged file kept aside); the file's damaged lines were reported
    /// when it was read. A failed write is tried again at the next interval or the end of the run.
    @discardableResult
    public func flush() throws -> [String] {
        guard !discarded else { return [] }
        let forgotten = StateRetention.forgotten(table, now: now)
        guard recorded || pendingSeen != nil || !undurable.isEmpty || seen.needsRewrite || !forgotten.isEmpty else { return [] }
        lastFlush = monotonicNow()
        let dir = try parts.openOrCreateDirectory()
        let lock = try StateLock.acquire(in: dir, name: parts.name + ".lock", timeout: timeout)
        defer { lock.release() }
        let pending = try readPending(dir, from: 0)
        let pendingFound = pending != nil
        let newLogs = self.newLogs
        let undurable = self.undurable
        let result = try StateStore.update(in: dir, name: parts.name, lock: runLock) { entries in
            for m in pending?.0 ?? [] { entries[m.path] = m.time }
            if entries.isEmpty, newLogs.count == 1, let (logs, hour) = newLogs.first {
                // A first run: the new logs' table becomes the state, sharing its path arena.
                entries = logs
                for (p, _) in logs { entries[p] = hour }
            } else {
                Self.applyNewLogs(newLogs[...], to: &entries)
            }
            for m in undurable { entries[m.path] = m.time }
            StateRetention.forget(forgotten, in: &entries, now: now)
        }
        if result.written {
            writes += 1
            reportWrites()
            FaultInjection.point("state written")
        }
        if pendingFound {
            try dir.remove(pendingName)
            try dir.sync()
            FaultInjection.point("state side file removed")
        }
        table = result.entries
        recent = []
        self.newLogs = []
        unseen = 0
        self.undurable = []
        recorded = false
        stateSeen = try dir.status(parts.name).map(Signature.init)
        seen = StateStore.Document(entries: [:], warnings: [], format: .logrotate, headerDamaged: false)
        pendingSeen = nil
        pendingOffset = 0
        return result.notes
    }

    /// Debug builds: `ROTATECTL_STATE_FLUSH_SECONDS=S` replaces the interval (0: after every set).
    private static var flushIntervalOverride: Double? {
        #if ROTATECTL_FAULT_INJECTION
        return ProcessEnvironment.value("ROTATECTL_STATE_FLUSH_SECONDS").flatMap { Double($0) }
        #else
        return nil
        #endif
    }

    private func reportWrites() {
        FaultInjection.report(writes, toFileNamedBy: "ROTATECTL_STATE_WRITES")
    }
}
