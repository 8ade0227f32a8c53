#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Sends one file as logrotate's `mailLog` does: `COMMAND -s SUBJECT ADDRESS` with the file on its
/// standard input, through `uncompresscmd` when the step says so (gunzip done in-process with
/// `GzipDecompressor`, unzstd with `ZstdDecompressor`, any other command as a child between the file and the mail command). The file is
/// streamed, never read whole; the mail command gets the script time limit. User code: the caller runs it
/// with no directory lock held.
struct MailSender {
    /// The mail command (`-m`).
    let command: String
    /// Seconds before the mail command (and an uncompress command) is killed; nil for none.
    let timeout: Double?
    /// Where the mail command's standard output goes (standard error under `--json`); nil to inherit.
    let stdout: Int32?
    let directories: DirectoryCache

    /// Nil once the mail command exited 0, else why the file must be kept.
    func send(path: String, inode: UInt64, subject: String, address: String, uncompress: String?) -> String? {
        let file: FileDescriptor
        do {
            let (dir, name) = try directories.locate(path)
            file = try dir.openRegular(name, O_RDONLY)
            if inode != 0, try file.status(path: path).inode != inode { _ = try? file.close(path: path); return "\(path) was replaced by another file" }
        } catch {
            return "cannot open it for mailing: \(error)"
        }
        defer { _ = try? file.close(path: path) }
        let argv = [command, "-s", subject, address]
        guard let uncompress else { return run(argv, stdin: file.rawValue) }
        if Self.isGunzip(uncompress) {
            return runDecompressed(argv, file, path) { source, sink throws(CompressError) in
                _ = try GzipDecompressor().decompress(source: source, sourcePath: path, destination: sink, destinationPath: "mail command")
            }
        }
        if Self.isUnzstd(uncompress) {
            return runDecompressed(argv, file, path) { source, sink throws(CompressError) in
                _ = try ZstdDecompressor().decompress(source: source, sourcePath: path, destination: sink, destinationPath: "mail command")
            }
        }
        return runUncompressed(argv, through: uncompress, file, path)
    }

    /// `gunzip` or `zcat` by any directory: done in-process, as `GzipCompressor.replacing` does for gzip.
    static func isGunzip(_ command: String) -> Bool {
        let name = PathName.split(command).1
        return name == "gunzip" || name == "zcat"
    }

    /// `unzstd` or `zstdcat` by any directory: done in-process, as `ZstdCompressor.replacing` does for zstd.
    static func isUnzstd(_ command: String) -> Bool {
        let name = PathName.split(command).1
        return name == "unzstd" || name == "zstdcat"
    }

    private func run(_ argv: [String], stdin: Int32) -> String? {
        do {
            return verdict(try ChildProcess.run(argv, stdin: stdin, stdout: stdout, timeout: timeout))
        } catch {
            return "mail command could not start: \(error)"
        }
    }

    private func verdict(_ result: ChildResult) -> String? {
        if result.timedOut { return "mail command killed after the \(Int(timeout ?? 0)) s limit (scripttimeout)" }
        return result.succeeded ? nil : "mail command \(result)"
    }

    /// The mail command reads a pipe that a thread fills with the file as `decompress` writes it.
    private func runDecompressed(_ argv: [String], _ file: FileDescriptor, _ path: String,
                                 _ decompress: @escaping @Sendable (FileDescriptor, FileDescriptor) throws(CompressError) -> Void) -> String? {
        let source = file.rawValue
        do {
            let (result, failure) = try ChildProcess.runFed(argv, stdout: stdout, timeout: timeout) { sink in
                do {
                    try decompress(FileDescriptor(rawValue: source), FileDescriptor(rawValue: sink))
                    return nil
                } catch {
                    return "cannot uncompress it: \(error)"
                }
            }
            // The mail command's own failure first: a broken pipe is its consequence.
            return verdict(result) ?? failure
        } catch {
            return "mail command could not start: \(error)"
        }
    }

    /// `uncompress < file | mail …`; either failing keeps the file.
    private func runUncompressed(_ argv: [String], through uncompress: String, _ file: FileDescriptor, _ path: String) -> String? {
        do {
            let (uncompressed, mailed) = try ChildProcess.runPiped([uncompress], stdin: file.rawValue, into: argv,
                                                                   stdout: stdout, timeout: timeout)
            if let why = verdict(mailed) { return why }
            return uncompressed.succeeded ? nil : "uncompress command \(uncompress) \(uncompressed)"
        } catch {
            return "mail or uncompress command could not start: \(error)"
        }
    }
}
