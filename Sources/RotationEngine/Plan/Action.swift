/// Which script of a log set runs.
public enum ScriptKind: String, Sendable, Codable, Equatable {
    case firstaction, prerotate, postrotate, lastaction, preremove
}

/// One step the executor applies. Paths are absolute. Every step can be recognised as done or not done
/// from the file system (see `Journal`), so a run killed at any instant can be finished by the next.
public enum Action: Sendable, Equatable, Codable {
    /// `renameat2(RENAME_NOREPLACE)` of a file whose inode the planner saw.
    case rename(from: String, to: String, inode: UInt64)
    /// Create an empty log: `O_CREAT|O_EXCL`, 0600, then owner and mode on the descriptor.
    case create(path: String, mode: UInt32, uid: UInt32, gid: UInt32)
    /// Copy the live log to `to`, leaving the live log as it is (`copy`).
    case copy(from: String, to: String)
    /// Copy the live log to `to`, then remove exactly the copied bytes from it (`copytruncate`).
    case copyTruncate(from: String, to: String)
    /// Compress `source` into `destination` (temporary name, fsync, rename), then remove the source.
    case compress(source: String, destination: String)
    /// Remove a rotated generation the retention rules drop; `inode` guards against a replaced file.
    case remove(path: String, inode: UInt64, reason: String)
    /// `mkdir` for `createolddir`.
    case makeDirectory(path: String, mode: UInt32, uid: UInt32?, gid: UInt32?)
    /// Signal the writers named by pid files (once per distinct live process).
    case notify(pidFiles: [String], signal: Int32)
    /// Wait until no process has `path` open for writing, before it is compressed.
    case awaitWriters(path: String)
    /// `maxtotalsize`: remove the oldest of `generations` (newest first) until their total fits `cap`.
    case capTotalSize(generations: [String], cap: Int64)
    /// `mail`: send `path` to `address` as `MAILCOMMAND -s SUBJECT ADDRESS`, its bytes on standard input,
    /// through `uncompress` (logrotate's `uncompresscmd`) when not nil. The `.remove` of the same path
    /// that may follow is done only once the mail command exited 0.
    case mail(path: String, inode: UInt64, subject: String, address: String, uncompress: String?)

    /// A person-readable line, as `run --dry-run` prints it.
    public var summary: String {
        switch self {
        case .rename(let from, let to, _): return "rename \(from) -> \(to)"
        case .create(let path, let mode, let uid, let gid):
            return "create \(path) mode \(String(mode, radix: 8)) owner \(uid):\(gid)"
        case .copy(let from, let to): return "copy \(from) -> \(to)"
        case .copyTruncate(let from, let to): return "copytruncate \(from) -> \(to)"
        case .compress(let source, let destination): return "compress \(source) -> \(destination)"
        case .remove(let path, _, let reason): return "remove \(path) (\(reason))"
        case .makeDirectory(let path, let mode, _, _): return "mkdir \(path) mode \(String(mode, radix: 8))"
        case .notify(let pidFiles, let signal): return "signal \(signal) to writers in \(pidFiles.joined(separator: " "))"
        case .awaitWriters(let path): return "wait for writers to close \(path)"
        case .capTotalSize(let generations, let cap):
            return "keep generations of \(generations.first ?? "?") within maxtotalsize \(Bytes(cap))"
        case .mail(let path, _, let subject, let address, let uncompress):
            return "mail \(path) to \(address) (subject \(subject)\(uncompress.map { ", through \($0)" } ?? ""))"
        }
    }
}
