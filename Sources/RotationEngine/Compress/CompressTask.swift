#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// One `.compress` step as a worker thread of the batch runs it: it opens the source, creates the output
/// (anonymous with `O_TMPFILE` when the batch is committed as a group, else under a temporary name),
/// compresses, copies owner, mode and times, and leaves naming the output and removing the source to
/// the committing thread. Everything here is relative to directories opened beforehand.
struct CompressTask: Sendable {
    var index: Int
    var step: Action
    var source: String
    var dest: String
    var srcDir: DirectoryHandle
    var srcName: String
    var dir: DirectoryHandle
    var destName: String

    /// How the outputs of one batch are made.
    struct Settings: Sendable {
        /// The built-in gzip compressor; nil runs `zstd` or, without either, `external`.
        var gzip: GzipCompressor?
        var external: ExternalCompressor
        /// The built-in zstd compressor, when `gzip` is nil.
        var zstd: ZstdCompressor? = nil
        /// Each output is fsynced by its worker (small batches); otherwise the batch is synced with `syncfs`.
        var syncEach: Bool
        /// Try `O_TMPFILE` for outputs (group commits only: their second `syncfs` makes the link durable).
        var anonymous: Bool
        /// The effective user, and the group new files get in each destination directory (its own for a
        /// set-group-ID directory): an output already owned as the source is not `fchown`ed.
        var euid: UInt32
        var groups: [String: UInt32]
    }

    /// A compressed output waiting to be named.
    struct Output: Sendable {
        /// The open anonymous file, to be linked; nil when it was written (and closed) under `temp`.
        var file: FileDescriptor?
        var temp: String?
        var status: FileStatus
        var stats: CompressStats
    }

    enum Outcome: Sendable {
        /// The output exists and the source is gone: done before (recovery).
        case alreadyDone
        /// Both the output and the source exist (the output's status): the committer decides.
        case destinationExists(FileStatus)
        case sourceGone
        /// The message to report; the source is kept.
        case failed(String)
        case written(Output)
        /// Not run: the log's rotation failed after the batch was started (see `EarlyCompression`).
        case cancelled
    }

    func run(_ settings: Settings, scratch: inout CompressScratch?) -> Outcome {
        let src: FileDescriptor
        let st: FileStatus
        do {
            if let existing = try dir.status(destName) {
                guard try srcDir.status(srcName) != nil else { return .alreadyDone }
                return .destinationExists(existing)
            }
            switch Result(catching: { () throws(SystemError) -> FileDescriptor in try srcDir.openRegular(srcName, O_RDONLY) }) {
            case .success(let fd): src = fd
            case .failure(let e) where e.errno == .noSuchFileOrDirectory: return .sourceGone
            case .failure(let e): throw e
            }
        } catch {
            return .failed("\(step.summary): \(error)")
        }
        defer { _ = try? src.close(path: source) }
        var out: FileDescriptor
        var temp: String? = nil
        do {
            st = try src.status(path: source)
            if settings.anonymous, let file = try dir.createAnonymous() {
                out = file
            } else {
                let name = DirectoryHandle.temporaryName(for: destName)
                out = try dir.createFresh(name)
                temp = name
            }
        } catch {
            return .failed("\(step.summary): \(error)")
        }
        let outPath = temp.map { dir.child($0) } ?? dest
        var closed = false
        do {
            let stats: CompressStats
            if let gzip = settings.gzip {
                if scratch == nil { scratch = try gzip.makeScratch(path: source) }
                stats = try gzip.compress(source: src, sourcePath: source, size: st.size, destination: out,
                                          destinationPath: outPath, modificationTime: st.modified.seconds, scratch: scratch)
            } else if let zstd = settings.zstd {
                stats = try zstd.compress(source: src, sourcePath: source, size: st.size, destination: out, destinationPath: outPath)
            } else {
                stats = try settings.external.compress(source: src, sourcePath: source, destination: out, destinationPath: outPath)
            }
            let group = settings.groups[dir.path] ?? UInt32.max
            try out.copyMetadata(from: st, path: outPath,
                                 changeOwner: settings.euid == 0 && (st.uid != 0 || st.gid != group))
            if settings.syncEach { try out.sync(path: outPath) }
            if temp != nil {
                closed = true   // closed even when close reports an error: never closed twice
                try out.close(path: outPath)
            }
            return .written(Output(file: temp == nil ? out : nil, temp: temp, status: st, stats: stats))
        } catch {
            if !closed { _ = try? out.close(path: outPath) }
            if let temp { try? dir.remove(temp) }
            return .failed("\(step.summary): \(error); source kept, retried next run")
        }
    }

    /// Drops an output that will not be named: an anonymous file vanishes when closed.
    func discard(_ output: Output) {
        if let file = output.file { _ = try? file.close(path: dir.path) }
        if let temp = output.temp { try? dir.remove(temp) }
    }
}
