#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Logging
import SystemPackage

/// `copytruncate` without losing lines: the live log is copied up to its last block boundary, the copy
/// is synced, and exactly that prefix is then cut from the live file with
/// `fallocate(FALLOC_FL_COLLAPSE_RANGE)`. Whatever `O_APPEND` writers added meanwhile stays in the live
/// file, after the part of the last block that was not copied.
///
/// Line at the boundary: collapse works only on whole blocks, so the copy ends at a block boundary, not
/// at a newline. A line crossing that boundary is split: its head is the last bytes of the copy, its
/// tail the first bytes of the live file (`endsMidLine` tells). No byte is lost or duplicated:
/// concatenating the copies in order and then the live file gives back exactly what was written. Cutting
/// at the last newline instead would need either dropping or duplicating the bytes between that newline
/// and the boundary, and an SRE rather has a split line than a lost or doubled one.
///
/// A log that ends exactly on a block boundary: collapse may not reach the end of the file, so its last
/// block could not go. Up to `alignedWait` it waits for a writer to append past the end (then every
/// block it had is cut, at the end it had, no line split) or for the write lease (then it is taken
/// whole); otherwise the last block stays in the live file, since truncating it could lose what a writer
/// appends meanwhile.
///
/// The copy keeps the holes of a sparse log (`copyData`: only data extents are copied).
///
/// Where the file system cannot collapse (`EOPNOTSUPP`/`EINVAL`, e.g. tmpfs) or the file is not larger
/// than one block, it falls back to logrotate's method: copy, sync, copy what was appended, truncate to 0 at
/// once; the result estimates the bytes at risk.
///
/// A writer without `O_APPEND` keeps writing at its old offset after either method and would leave the
/// start of the file as a hole of NUL bytes, so if `/proc` shows one the operation is refused before
/// anything is done.
public struct CopyTruncate {
    static let bufferSize = 1 << 20
    static let catchUpRounds = 8

    /// Copies and cuts `name`; a refusal (not a regular file, a writer without `O_APPEND`, a file that
    /// shrank under us) is `.copyProblem`, a failed system call `.stepFailed`.
    public static func perform(source: DirectoryHandle, name: String, destination: DirectoryHandle, as newName: String,
                               logger: Logger?) throws(RotationError) -> CopyTruncateResult {
        let attempt: Attempt
        do {
            attempt = try copyAndCut(source: source, name: name, destination: destination, as: newName, logger: logger)
        } catch {
            throw RotationError(.stepFailed, error)
        }
        switch attempt {
        case .copied(let result): return result
        case .refused(let error): throw error
        }
    }

    enum Attempt {
        case copied(CopyTruncateResult)
        case refused(RotationError)
    }

    static func shrank(_ path: String) -> Attempt {
        .refused(RotationError(.copyProblem, path: path, "file shrank while being copied (truncated by another process?)"))
    }

    private static func copyAndCut(source: DirectoryHandle, name: String, destination: DirectoryHandle, as newName: String,
                                   logger: Logger?) throws(SystemError) -> Attempt {
        let path = source.child(name)
        let copyPath = destination.child(newName)
        let live = try source.openRegular(name, O_RDWR)
        defer { _ = try? live.close(path: path) }
        let status = try live.status(path: path)
        guard status.kind == .regular else {
            return .refused(RotationError(.copyProblem, path: path, "not a regular file"))
        }
        let writers = OpenWriters.writers(of: [FileKey(status)])[FileKey(status)] ?? []
        if let bad = writers.first(where: { !$0.append }) {
            return .refused(RotationError(.copyProblem, path: path, "copytruncate refused: pid \(bad.pid) (fd \(bad.fd)) writes it "
                                          + "without O_APPEND and would fill the truncated file with NUL bytes"))
        }

        let copy = try destination.createExclusive(newName)
        var copyOpen = true
        var done = false
        defer {
            if copyOpen { _ = try? copy.close(path: copyPath) }
            if !done { _ = try? destination.remove(newName) }
        }
        /// The cut is made: the live file synced, the copy closed and its name durable.
        func settle() throws(SystemError) {
            try live.sync(path: path)
            try copy.close(path: copyPath)
            copyOpen = false
            try destination.sync()
            done = true
        }
        var warnings: [String] = []
        do {
            try copy.setOwner(uid: status.uid, gid: status.gid, path: copyPath)
        } catch {
            warnings.append("\(copyPath): could not give it the owner of \(path): \(error)")
        }
        try copy.setMode(status.mode, path: copyPath)

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        /// Copies `start..<end` of the live log to the same offsets of the copy, holes kept; returns the
        /// last byte copied (`previous` for an empty range), or nil when the log shrank under us.
        func copyRange(_ start: Int64, _ end: Int64, previous: UInt8) throws(SystemError) -> UInt8? {
            guard start < end else { return previous }
            guard try live.copyData(start..<end, to: copy, path: path, destinationPath: copyPath, buffer: buffer),
                  try live.readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1]), at: end - 1, path: path) == 1
            else { return nil }
            return buffer[0]
        }
        /// Under the write lease taken at `leased` (no other process has the log open; one that opens it
        /// waits): copies what follows `copied`, then cuts the log to zero, as logrotate does, with nothing
        /// at risk.
        func finishLeased(copied: Int64, lastByte: UInt8, leased: Double) throws(SystemError) -> Attempt {
            defer { live.releaseLease(path: path) }
            let size = try live.status(path: path).size
            guard size >= copied, let last = try copyRange(copied, size, previous: lastByte) else { return shrank(path) }
            try copy.sync(path: copyPath)
            // A process opening it meanwhile waits until the lease is released, or until the kernel's
            // lease-break time (counted from its open, so after `leased`) runs out: within that time the
            // cut is safe even if the lease is being broken; past it, the opener may be writing, and the
            // copy is dropped rather than cut from under it (the next run tries again).
            guard live.holdsWriteLease(path: path) || monotonicNow() - leased < leaseBreakSeconds - 1 else {
                return .refused(RotationError(.copyProblem, path: path, "opened by another process while it was being copied; not truncated, the next run rotates it"))
            }
            try live.truncate(to: 0, path: path)
            try settle()
            logger?.debug("\(path): nobody had it open: copied \(size) bytes into \(copyPath) and truncated it")
            return .copied(CopyTruncateResult(bytesCopied: size, method: .whole, endsMidLine: size > 0 && last != 0x0A,
                                              warnings: warnings))
        }

        // Nobody else has it open: under a write lease the whole file is copied and cut to zero.
        if leaseWhenFree(live, path: path, writers: writers, waiting: status.size < status.blockSize ? 0.2 : 0) {
            return try finishLeased(copied: 0, lastByte: 0x0A, leased: monotonicNow())
        }
        let started = monotonicNow()
        let block = status.blockSize > 0 && status.blockSize % 4096 == 0 ? status.blockSize : 4096
        // Collapse may not reach the end of the file, so the prefix stops at the last boundary below it.
        var prefix = status.size > 0 ? (status.size - 1) / block * block : 0
        guard var lastByte = try copyRange(0, prefix, previous: 0x0A) else { return shrank(path) }
        if status.size > 0 && status.size % block == 0 {
            // It ends exactly on a boundary: its last block can go too once a writer appends past it, and
            // the cut then falls where the file ended (at a line's end if it ended with a newline).
            switch try awaitGrowthOrLease(live, path: path, beyond: status.size) {
            case .grew:
                guard let b = try copyRange(prefix, status.size, previous: lastByte) else { return shrank(path) }
                lastByte = b
                prefix = status.size
            case .leased(let at):
                return try finishLeased(copied: prefix, lastByte: lastByte, leased: at)
            case .unchanged:
                logger?.debug("\(path): ends on a block boundary and nobody appended within \(alignedWait) s: its last block cannot be collapsed")
            }
        }
        var copied = prefix

        if prefix > 0 {
            try copy.sync(path: copyPath)
            // What stays begins with a NUL already (a hole of a sparse log): no sign of a bad writer then.
            let keptNul = try live.readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1]), at: prefix, path: path) == 1
                && buffer[0] == 0
            switch Result(catching: { () throws(SystemError) in try live.collapseStart(prefix, path: path) }) {
            case .success:
                try settle()
                let kept = try live.status(path: path).size
                logger?.debug("\(path): copied and collapsed \(prefix) bytes into \(copyPath), \(kept) kept")
                return .copied(CopyTruncateResult(bytesCopied: prefix, method: .collapse, bytesKept: kept,
                                                  endsMidLine: lastByte != 0x0A,
                                                  warnings: warnings + (keptNul ? [] : nulWarnings(live, path: path))))
            case .failure(let e) where e.errno == .notSupported || e.errno == .invalidArgument || e.errno == .noFunction:
                warnings.append("\(path): the file system cannot collapse ranges (\(e.errno)): copied and truncated "
                                + "instead, lines written during the truncation may be lost")
            case .failure(let e):
                throw e
            }
        } else if status.size > 0 {
            warnings.append("\(path): not larger than one block (\(block) bytes): copied and truncated instead of "
                            + "collapsed, lines written during the truncation may be lost")
        }

        // Fallback: copy everything, sync, catch up with what was appended, truncate at once.
        let size = try live.status(path: path).size
        if size > copied {
            guard let b = try copyRange(copied, size, previous: lastByte) else { return shrank(path) }
            lastByte = b
            copied = size
        }
        try copy.sync(path: copyPath)
        var lastCheck = monotonicNow()
        for _ in 0..<catchUpRounds {
            lastCheck = monotonicNow()
            let now = try live.status(path: path).size
            if now <= copied { break }
            guard let b = try copyRange(copied, now, previous: lastByte) else { return shrank(path) }
            lastByte = b
            copied = now
        }
        try live.truncate(to: 0, path: path)
        let truncated = monotonicNow()
        try copy.sync(path: copyPath)
        try settle()
        let appended = max(0, copied - status.size)
        let rate = Double(appended) / max(truncated - started, 1e-6)
        let atRisk = appended > 0 ? Int64((rate * (truncated - lastCheck)).rounded(.up)) : 0
        logger?.debug("\(path): copied \(copied) bytes into \(copyPath) and truncated, about \(atRisk) bytes at risk")
        return .copied(CopyTruncateResult(bytesCopied: copied, method: .truncate, bytesAtRisk: atRisk,
                                          bytesKept: (try? live.status(path: path).size) ?? 0,
                                          endsMidLine: copied > 0 && lastByte != 0x0A,
                                          warnings: warnings + nulWarnings(live, path: path)))
    }

    /// A warning when the live file now starts with NUL bytes: a writer without `O_APPEND` that `/proc`
    /// did not show (another user's process, another pid namespace) wrote past the new end.
    private static func nulWarnings(_ live: FileDescriptor, path: String) -> [String] {
        var head = [UInt8](repeating: 0xFF, count: 512)
        let n = (try? head.withUnsafeMutableBytes { buffer throws(SystemError) in
            try live.readFully(into: buffer, at: 0, path: path)
        }) ?? 0
        guard n > 0, head[0..<n].allSatisfy({ $0 == 0 }) else { return [] }
        return ["\(path): now starts with NUL bytes: a process writes it without O_APPEND; "
                + "make it open the log with O_APPEND or rotate with create and a signal instead"]
    }
}
