#if canImport(Glibc)
import Glibc
#endif
import Logging
import SystemPackage

/// One run of the parser over a list of paths: the result so far, the taboo list (process-wide in
/// logrotate, so one per run here) and the stack of files being read, for include loops.
final class ConfigParseSession {
    static let maxIncludeDepth = 16
    static let maxErrorsPerFile = 100
    /// logrotate refuses larger files as "probably not a config file".
    static let maxFileSize = 0xff_ffff

    let asRoot: Bool
    let logger: Logger?
    var result = Configuration()
    var taboo = TabooList()
    private var reading: [(device: UInt64, inode: UInt64, path: String)] = []
    private var errorCounts: [String: Int] = [:]

    init(asRoot: Bool, logger: Logger?) {
        self.asRoot = asRoot
        self.logger = logger
    }

    var includeDepth: Int { reading.count }

    /// Records a diagnostic; an error marks its file broken. Returns false once the file has had too
    /// many errors to be worth reading further.
    @discardableResult
    func report(_ diagnostic: ConfigDiagnostic) -> Bool {
        let file = diagnostic.location.file
        guard diagnostic.severity == .error else {
            result.diagnostics.append(diagnostic)
            return true
        }
        result.brokenFiles.insert(file)
        let count = errorCounts[file, default: 0] + 1
        errorCounts[file] = count
        if count < Self.maxErrorsPerFile {
            result.diagnostics.append(diagnostic)
            return true
        }
        if count == Self.maxErrorsPerFile {
            result.diagnostics.append(ConfigDiagnostic(.error, diagnostic.location,
                "too many errors (\(count)); the rest of this file is not read"))
        }
        return false
    }

    func hasErrors(_ file: String) -> Bool { errorCounts[file, default: 0] > 0 }

    /// A file or a directory of files. Problems opening it are reported at `includedFrom` (the include
    /// line) when there is one, else against the path itself.
    func readPath(_ path: String, globals: inout DirectiveState, includedFrom: SourceLocation?) {
        let whereReported = includedFrom ?? SourceLocation(file: path, line: 0)
        do {
            let directory = try DirectoryHandle.open(path, followLast: true)
            var names: [String] = []
            for name in try directory.entries() {
                if taboo.isTaboo(name) {
                    if name != "." && name != ".." { logger?.debug("ignoring \(directory.child(name)): taboo name") }
                } else {
                    names.append(name)
                }
            }
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for name in names {
                readFile(directory.child(name), globals: &globals, includedFrom: includedFrom, inDirectory: true) {
                    () throws(SystemError) -> FileDescriptor in try directory.openReadingFollowing(name)
                }
            }
        } catch where error.errno == .notDirectory {
            readFile(path, globals: &globals, includedFrom: includedFrom, inDirectory: false) {
                () throws(SystemError) -> FileDescriptor in try DirectoryHandle.openReadingFollowing(path: path)
            }
        } catch {
            report(ConfigDiagnostic(.error, whereReported, "cannot read \(error)"))
        }
    }

    private func readFile(_ path: String, globals: inout DirectiveState, includedFrom: SourceLocation?,
                          inDirectory: Bool, open: () throws(SystemError) -> FileDescriptor) {
        let whereReported = includedFrom ?? SourceLocation(file: path, line: 0)
        let wholeFile = SourceLocation(file: path, line: 0)
        let fd: FileDescriptor
        do { fd = try open() } catch {
            report(ConfigDiagnostic(.error, inDirectory ? wholeFile : whereReported, "cannot read \(error)"))
            return
        }
        defer { try? fd.close(path: path) }
        let status: FileStatus
        do { status = try fd.status(path: path) } catch {
            report(ConfigDiagnostic(.error, wholeFile, "cannot read \(error)"))
            return
        }
        guard status.kind == .regular else {
            if inDirectory {
                logger?.debug("ignoring \(path): not a regular file")
            } else {
                report(ConfigDiagnostic(.warning, whereReported, "ignoring \(path): not a regular file"))
            }
            return
        }
        if let loop = reading.first(where: { $0.device == status.device && $0.inode == status.inode }) {
            report(ConfigDiagnostic(.error, whereReported, "include loop: \(path) is already being read (as \(loop.path))"))
            return
        }
        if reading.count >= Self.maxIncludeDepth {
            report(ConfigDiagnostic(.error, whereReported, "include nesting too deep (more than \(Self.maxIncludeDepth) levels)"))
            return
        }
        if asRoot {
            if status.mode & 0o022 != 0 {
                report(ConfigDiagnostic(.error, wholeFile, "refused: writable by group or others (mode \(octalMode(status.mode))), as logrotate refuses it"))
                return
            }
            if status.uid != 0 {
                report(ConfigDiagnostic(.error, wholeFile, "refused: owned by uid \(status.uid), not root, as logrotate refuses it"))
                return
            }
            if status.mode & 0o7533 != 0o400 {
                report(ConfigDiagnostic(.warning, wholeFile, "potentially dangerous mode \(octalMode(status.mode)) (expected 0644 or stricter, not executable)"))
            }
        }
        if status.size > Int64(Self.maxFileSize) {
            report(ConfigDiagnostic(.error, wholeFile, "refused: too large (\(status.size) bytes) to be a configuration file"))
            return
        }
        let bytes: [UInt8]
        do { bytes = try Self.readAll(fd, path: path) } catch {
            report(ConfigDiagnostic(.error, wholeFile, "cannot read \(error)"))
            return
        }
        if bytes.count > Self.maxFileSize {
            report(ConfigDiagnostic(.error, wholeFile, "refused: too large to be a configuration file"))
            return
        }
        logger?.debug("reading config file \(path)")
        result.filesRead.append(path)
        reading.append((status.device, status.inode, path))
        parse(bytes: bytes, file: path, globals: &globals)
        reading.removeLast()
    }

    private static func readAll(_ fd: FileDescriptor, path: String) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        let chunk = 65536
        var offset: Int64 = 0
        while bytes.count <= maxFileSize {
            var buffer = [UInt8](repeating: 0, count: chunk)
            let read = buffer.withUnsafeMutableBytes { raw -> Result<Int, SystemError> in
                do throws(SystemError) { return .success(try fd.readFully(into: raw, at: offset, path: path)) } catch { return .failure(error) }
            }
            let n = try read.get()
            bytes.append(contentsOf: buffer[0..<n])
            offset += Int64(n)
            if n < chunk { break }
        }
        return bytes
    }

    /// Parses one file's text. When the file has an error, its changes to the globals are undone for
    /// what follows, as logrotate restores its defaults after a broken file.
    func parse(bytes: [UInt8], file: String, globals: inout DirectiveState) {
        let before = globals
        var parser = ConfigFileParser(session: self, file: file, bytes: bytes, globals: globals)
        parser.run()
        globals = hasErrors(file) ? before : parser.globals
    }
}

func octalMode(_ mode: UInt32) -> String { "0" + String(mode, radix: 8) }
