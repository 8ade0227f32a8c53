#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage

/// `DIR/.rotatectl.journal`: appended block by block, each fsynced before the steps it describes;
/// removed, and the directory fsynced, when every step is done.
///
/// The run that writes a journal holds it open with an open-file-description write lock
/// (`fcntl(F_OFD_SETLK)`) from its first block until it removes it, through its scripts and its
/// compression, while it has released the directory lock. Another run that finds the journal can so tell
/// a crash (no lock: the journal is replayed) from a run still going (locked: the files it names are
/// busy, see `pathsHeldByOtherRuns`). A run that rotates another set of the directory meanwhile writes
/// a journal of its own beside it, the first free of `.rotatectl.journal.2`, `.3`, …
public final class JournalFile {
    public static let name = OwnFiles.journal
    /// A larger journal is refused as hostile.
    static let maxSize = 64 << 20
    /// The most journals one directory holds at once (runs rotating its sets side by side).
    static let maxCount = 64
    /// The directories (device and inode) whose journals this process holds, with how many.
    static let held = Mutex<[FileKey: Int]>([:])

    public let directory: DirectoryHandle
    /// The file's name: given (a journal to replay), or chosen by the first `append`.
    private var chosenName: String?
    /// Open and locked from the first `append` until `remove` or `release`.
    private var descriptor: FileDescriptor?
    private var directoryKey: FileKey?

    /// A journal for a new rotation in `directory` (its name is chosen when it is first written), or
    /// the existing one called `name`.
    public init(_ directory: DirectoryHandle, name: String? = nil) {
        self.directory = directory
        chosenName = name
    }

    deinit { release() }

    public var fileName: String { chosenName ?? Self.name }
    public var path: String { directory.child(fileName) }

    /// The name of the directory's journal number `n` (1 to `maxCount`).
    static func name(_ n: Int) -> String { n == 1 ? Self.name : "\(Self.name).\(n)" }

    /// The journals in `dir`, in their order: one `fstatat` per possible name, so that a directory of
    /// a hundred thousand logs is not listed for it.
    public static func names(in dir: DirectoryHandle) throws(SystemError) -> [String] {
        var found: [String] = []
        for n in 1...maxCount where try dir.status(name(n)) != nil { found.append(name(n)) }
        return found
    }

    /// Appends blocks and makes them durable (one `write`, one `fsync`; the directory too when the file is
    /// new). The first call creates the journal, or opens one this run is to add to, and locks it.
    public func append(_ blocks: [JournalBlock]) throws(SystemError) {
        var bytes: [UInt8] = []
        var created = false
        let fd: FileDescriptor
        if let open = descriptor {
            fd = open
        } else {
            (fd, created) = try openLocked()
            if created { bytes = Array((JournalCodec.header + "\n").utf8) }
        }
        for block in blocks { JournalCodec.encode(block, into: &bytes) }
        do throws(SystemError) {
            try fd.writeAll(bytes, path: path)
            try fd.sync(path: path)
            if created { try directory.sync() }
        } catch {
            // A journal this call created and could not fill (a full disk) is not left behind empty.
            if created {
                try? directory.remove(fileName)
                release()
            }
            throw error
        }
    }

    /// `openat(O_WRONLY|O_APPEND|O_CREAT|O_NOFOLLOW|O_NONBLOCK)`, checked (a regular file of ours with one
    /// link, never a FIFO or a planted link), then write-locked. A new journal takes the first free name
    /// (`O_EXCL`: never one another run holds). Whether it was created.
    private func openLocked() throws(SystemError) -> (FileDescriptor, Bool) {
        let isNew: Bool
        let fd: FileDescriptor
        if let name = chosenName {
            isNew = try directory.status(name) == nil
            fd = try directory.openFile(name, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK, mode: 0o600)
        } else {
            (chosenName, fd) = try createFree()
            isNew = true
        }
        let name = fileName
        do throws(SystemError) {
            let st = try fd.status(path: path)
            guard st.kind == .regular, st.uid == ProcessIdentity.effectiveUID, st.linkCount == 1 else {
                throw SystemError("open", path: path, errno: .notPermitted)
            }
            guard try fd.tryLock(.write, path: path) else {
                throw SystemError("fcntl(F_OFD_SETLK)", path: path, errno: .resourceTemporarilyUnavailable)
            }
            let dir = try directory.status()
            let key = FileKey(device: dir.device, inode: dir.inode)
            Self.held.withLock { $0[key, default: 0] += 1 }
            directoryKey = key
        } catch {
            _ = try? fd.close(path: path)
            if isNew { try? directory.remove(name) }
            throw error
        }
        descriptor = fd
        return (fd, isNew)
    }

    /// Creates the first of `.rotatectl.journal`, `.rotatectl.journal.2`, … that does not exist.
    private func createFree() throws(SystemError) -> (String, FileDescriptor) {
        var number = 1
        while true {
            let name = Self.name(number)
            do {
                return (name, try directory.openFile(name, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NONBLOCK, mode: 0o600))
            } catch where error.errno == .fileExists && number < Self.maxCount {
                number += 1
            }
        }
    }

    /// Unlocks and closes the journal without removing it (it is kept for the next run to finish).
    public func release() {
        guard let fd = descriptor else { return }
        descriptor = nil
        _ = try? fd.close(path: path)   // closing the last descriptor of the description drops its OFD lock
        if let key = directoryKey {
            Self.held.withLock { counts in
                counts[key, default: 1] -= 1
                if counts[key] == 0 { counts[key] = nil }
            }
        }
        directoryKey = nil
    }

    /// Whether the journal `name` of `dir` is held by a run still going (its lock is taken), another
    /// thread of this process included. False when there is none, or when it cannot be opened as a
    /// regular file (replay then refuses it with the reason). Never blocks: a FIFO planted there is not
    /// waited on.
    public static func isHeld(_ dir: DirectoryHandle, _ name: String) -> Bool {
        let path = dir.child(name)
        guard let fd = try? dir.openFile(name, O_RDONLY | O_NONBLOCK | O_NOCTTY) else { return false }
        defer { _ = try? fd.close(path: path) }
        guard let st = try? fd.status(path: path), st.kind == .regular else { return false }
        switch Result(catching: { () throws(SystemError) in try fd.tryLock(.read, path: path) }) {
        case .success(true):
            fd.unlock(path: path)
            return false
        case .success(false):
            return true
        case .failure:
            return false
        }
    }

    /// Whether any journal of `dir` is held by a run still going.
    public static func anyHeld(_ dir: DirectoryHandle) -> Bool {
        ((try? names(in: dir)) ?? [Self.name]).contains { isHeld(dir, $0) }
    }

    /// The files named by the journals of `dir` that runs still going hold: those runs are rotating
    /// them (through their scripts and compression, with the directory lock released), so another run
    /// leaves them alone. Nil when a held journal cannot be read as ours: everything is then busy.
    public static func pathsHeldByOtherRuns(_ dir: DirectoryHandle) -> Set<String>? {
        guard let names = try? names(in: dir) else { return nil }
        var paths = Set<String>()
        for name in names where isHeld(dir, name) {
            let read: (blocks: [JournalBlock], problem: String?, owner: UInt32)?
            do { read = try JournalFile(dir, name: name).readChecked() } catch { return nil }
            guard let read else { continue }   // removed meanwhile: its run ended
            // A journal refused (not ours) or with no unit names no files: it could be any.
            guard read.blocks.contains(where: { if case .unit = $0 { return true } else { return false } }) else { return nil }
            for case .unit(_, _, let steps, let state, _) in read.blocks {
                for step in steps { paths.formUnion(step.touchedPaths) }
                paths.formUnion(state.map(\.path))
            }
        }
        return paths
    }

    /// Reads the journal whole (`DirectoryHandle.readWholeFile`); a journal larger than 64 MiB is refused as
    /// hostile. `owners`: who may have written a journal we replay: ourselves, and, as root, the `su`
    /// user of a set (its units are then replayed with that user's rights, see `JournalRead.owner`).
    public func read() throws(SystemError) -> (blocks: [JournalBlock], problem: String?)? {
        guard let r = try readChecked() else { return nil }
        return (r.blocks, r.problem)
    }

    /// What `read` returns and the uid of the journal's owner.
    public func readChecked() throws(SystemError) -> (blocks: [JournalBlock], problem: String?, owner: UInt32)? {
        guard let st = try directory.status(fileName) else { return nil }
        guard st.kind == .regular else {
            return ([], "\(path) is not a regular file; refused", st.uid)
        }
        // Only a journal we wrote is replayed: its steps name any path, and recovery runs them with our
        // ids. As root, one written by the `su` user of a set is replayed with that user's rights only.
        let euid = ProcessIdentity.effectiveUID
        let ours = st.uid == euid || euid == 0
        guard ours, st.linkCount == 1, st.mode & 0o022 == 0 else {
            return ([], "\(path) was not written by us (owner uid \(st.uid), mode \(String(st.mode, radix: 8)), \(st.linkCount) links); refused, never replayed", st.uid)
        }
        guard st.size <= Int64(Self.maxSize) else { return ([], "\(path) is larger than 64 MiB; refused", st.uid) }
        guard let file = try directory.readWholeFile(fileName, limit: Self.maxSize) else {
            throw SystemError("openat", path: path, errno: .noSuchFileOrDirectory)
        }
        guard file.status.kind == .regular, file.status.inode == st.inode else {
            return ([], "\(path) changed while it was opened; refused", st.uid)
        }
        let decoded = JournalCodec.decode(String(decoding: file.bytes, as: UTF8.self))
        if st.uid != euid {
            // Written by someone else than us (we are root): every unit must name that user as its `su`.
            for case .unit(_, _, _, _, let policy) in decoded.blocks where policy.suUID != st.uid {
                return ([], "\(path) is owned by uid \(st.uid) but names other rights; refused, never replayed", st.uid)
            }
        }
        return (decoded.blocks, decoded.problem, st.uid)
    }

    /// Removes the journal and fsyncs the directory: the rotation it described is complete. Then unlocks it.
    public func remove() throws(SystemError) {
        defer { release() }
        try directory.remove(fileName)
        try directory.sync()
    }
}
