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
    let accounts: AccountResolver
    var result = Configuration()
    var taboo = TabooList()
    private var reading: [(device: UInt64, inode: UInt64, path: String)] = []
    private var errorCounts: [String: Int] = [:]

    init(asRoot: Bool, logger: Logger?, accounts: AccountResolver = .system) {
        self.asRoot = asRoot
        self.logger = logger
        self.accounts = accounts
    }

    var includeDepth: Int { reading.count }

    /// Records a diagnostic. Returns false once the file has had too many errors and warnings to be
    /// worth reading further (a binary file is mostly unknown directives): then the error saying so
    /// drops the rest of it.
    @discardableResult
    func report(_ diagnostic: ConfigDiagnostic) -> Bool {
        let file = diagnostic.location.file
        guard diagnostic.droppedPatterns == nil else {
            result.diagnostics.append(diagnostic)
            return true
        }
        let count = errorCounts[file, default: 0] + 1
        errorCounts[file] = count
        if count < Self.maxErrorsPerFile {
            result.diagnostics.append(diagnostic)
            return true
        }
        if count == Self.maxErrorsPerFile {
            result.diagnostics.append(ConfigDiagnostic(.error, diagnostic.location,
                "too many errors and warnings (\(count)); the rest of this file is not read"))
        }
        return false
    }

    /// Records a note; notes do not count towards the errors and warnings that stop reading a file.
    func note(_ diagnostic: ConfigDiagnostic) {
        result.diagnostics.append(diagnostic)
    }

    /// A file or a directory of files. Problems opening it are reported at `includedFrom` (the include
    /// line) when there is one, else against the path itself. False when any of it had an error (so
    /// that an including file undoes its globals, as logrotate's `readConfigPath` fails it).
    @discardableResult
    func readPath(_ path: String, globals: inout DirectiveState, includedFrom: SourceLocation?) -> Bool {
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
            var ok = true
            for name in names {
                ok = readFile(directory.child(name), globals: &globals, includedFrom: includedFrom, inDirectory: true) {
                    () throws(SystemError) -> FileDescriptor in try directory.openReadingFollowing(name)
                } && ok
            }
            return ok
        } catch where error.errno == .notDirectory {
            return readFile(path, globals: &globals, includedFrom: includedFrom, inDirectory: false) {
                () throws(SystemError) -> FileDescriptor in try DirectoryHandle.openReadingFollowing(path: path)
            }
        } catch {
            report(ConfigDiagnostic(.error, whereReported, "cannot read \(error)"))
            return false
        }
    }

    /// Reads one file; false when it had an error (or could not be read).
    private func readFile(_ path: String, globals: inout DirectiveState, includedFrom: SourceLocation?,
                          inDirectory: Bool, open: () throws(SystemError) -> FileDescriptor) -> Bool {
        let whereReported = includedFrom ?? SourceLocation(file: path, line: 0)
        let wholeFile = SourceLocation(file: path, line: 0)
        let fd: FileDescriptor
        do { fd = try open() } catch {
            report(ConfigDiagnostic(.error, inDirectory ? wholeFile : whereReported, "cannot read \(error)"))
            return false
        }
        defer { try? fd.close(path: path) }
        let status: FileStatus
        do { status = try fd.status(path: path) } catch {
            report(ConfigDiagnostic(.error, wholeFile, "cannot read \(error)"))
            return false
        }
        guard status.kind == .regular else {
            if inDirectory {
                logger?.debug("ignoring \(path): not a regular file")
            } else {
                report(ConfigDiagnostic(.warning, whereReported, "ignoring \(path): not a regular file"))
            }
            return true
        }
        if let loop = reading.first(where: { $0.device == status.device && $0.inode == status.inode }) {
            report(ConfigDiagnostic(.error, whereReported, "include loop: \(path) is already being read (as \(loop.path))"))
            return false
        }
        if reading.count >= Self.maxIncludeDepth {
            report(ConfigDiagnostic(.error, whereReported, "include nesting too deep (more than \(Self.maxIncludeDepth) levels)"))
            return false
        }
        if asRoot {
            if status.mode & 0o022 != 0 {
                report(ConfigDiagnostic(.error, wholeFile, "refused: writable by group or others (mode \(octalMode(status.mode))), as logrotate refuses it"))
                return false
            }
            if status.uid != 0 {
                report(ConfigDiagnostic(.error, wholeFile, "refused: owned by uid \(status.uid), not root, as logrotate refuses it"))
                return false
            }
            if status.mode & 0o7533 != 0o400 {
                report(ConfigDiagnostic(.warning, wholeFile, "potentially dangerous mode \(octalMode(status.mode)) (expected 0644 or stricter, not executable)"))
            }
        }
        if status.size > Int64(Self.maxFileSize) {
            report(ConfigDiagnostic(.error, wholeFile, "refused: too large (\(status.size) bytes) to be a configuration file"))
            return false
        }
        let bytes: [UInt8]
        do { bytes = try Self.readAll(fd, path: path) } catch {
            report(ConfigDiagnostic(.error, wholeFile, "cannot read \(error)"))
            return false
        }
        if bytes.count > Self.maxFileSize {
            report(ConfigDiagnostic(.error, wholeFile, "refused: too large to be a configuration file"))
            return false
        }
        logger?.debug("reading config file \(path)")
        result.filesRead.append(path)
        reading.append((status.device, status.inode, path))
        defer { reading.removeLast() }
        return parse(bytes: bytes, file: path, globals: &globals)
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

    /// Parses one file's text; false when it had an error. Then its changes to the globals are undone
    /// for what follows, as logrotate restores its defaults after a file with an error.
    @discardableResult
    func parse(bytes: [UInt8], file: String, globals: inout DirectiveState) -> Bool {
        let before = globals
        var parser = ConfigFileParser(session: self, file: file, bytes: bytes, globals: globals)
        parser.run()
        globals = parser.failed ? before : parser.globals
        return !parser.failed
    }
}

func octalMode(_ mode: UInt32) -> String { "0" + String(mode, radix: 8) }
