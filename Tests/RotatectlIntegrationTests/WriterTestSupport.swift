#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Testing
@testable import RotationEngine

/// A fresh directory (under /tmp unless told), removed with everything in it by `remove()`.
struct Scratch {
    let path: String

    init(under base: String = "/tmp") {
        var template = Array("\(base)/rotatectl-it-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        path = made.map { String(cString: $0) } ?? base
    }

    func handle() throws -> DirectoryHandle { try DirectoryHandle.open(path) }
    func child(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) {
        let fd = open(child(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    func bytes(_ name: String) -> [UInt8] { readBytes(child(name)) }
    func text(_ name: String) -> String { String(decoding: bytes(name), as: UTF8.self) }
    func exists(_ name: String) -> Bool { access(child(name), F_OK) == 0 }
    func status(_ name: String) -> FileStatus? { try? handle().status(name) }

    func remove() { _ = Child.run(["/bin/rm", "-rf", path]) }
}

/// Every byte of a file (empty if it cannot be read).
func readBytes(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        result.append(contentsOf: chunk[0..<n])
    }
    return result
}

/// The numbers of the `line N` lines of a text, in order; any other line is returned as -1.
func lineNumbers(_ bytes: [UInt8]) -> [Int] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map { line in
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("line ") else { return -1 }
        return Int(text.dropFirst(5)) ?? -1
    }
}

/// `line 1\n` ... `line N\n`.
func expectedLines(_ count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    for n in 1...max(1, count) where count > 0 { bytes.append(contentsOf: Array("line \(n)\n".utf8)) }
    return bytes
}

/// A child process (`posix_spawn`, default signal dispositions and an empty signal mask), its standard
/// output and error optionally sent to a file.
struct Child {
    let pid: pid_t

    static func start(_ arguments: [String], output: String? = nil, environment: [String: String] = [:]) -> Child? {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var env: [String: String] = [:]
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            index += 1
        }
        env.merge(environment) { _, new in new }
        var envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, &envp)
        return status == 0 ? Child(pid: pid) : nil
    }

    static func run(_ arguments: [String], output: String? = nil) -> Int32 {
        start(arguments, output: output)?.wait() ?? -1
    }

    /// `waitpid`: the exit status, or 128 + signal.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }
}

/// Polls `condition` every 5 ms for up to `timeout` seconds.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicNow() + timeout
    while monotonicNow() < deadline {
        if condition() { return true }
        sleepSeconds(0.005)
    }
    return condition()
}

enum Paths {
    /// The directory of the built products (the test bundle's own directory).
    static let products: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }()
    static var exampleWriter: String { products + "/example-writer" }

    /// The package root, from this file's path.
    static let root: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/")
    }()
    static var pythonWriter: String { root + "/examples/writers/python/writer.py" }
    static var shellWriter: String { root + "/examples/writers/shell/writer.sh" }
    static let python: String = {
        let candidates: [String] = ["/usr/bin/python3", "/usr/local/bin/python3"]
        return candidates.first { access($0, X_OK) == 0 } ?? "/usr/bin/python3"
    }()
}

/// Directories on particular file systems for the copytruncate tests. Root mounts one when the machine
/// has none ready: an ext4 loop image, a tmpfs.
enum FileSystems {
    /// Whether `FALLOC_FL_COLLAPSE_RANGE` works in `dir`, tried on a scratch file.
    static func canCollapse(_ dir: String) -> Bool {
        let probe = dir + "/.rotatectl-collapse-probe-\(getpid())"
        let fd = open(probe, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd); unlink(probe) }
        let block = [UInt8](repeating: 0x41, count: 65536)
        guard block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == 65536 else { return false }
        return rotatectl_fallocate_collapse(fd, 0, 4096) == 0
    }

    /// Whether `dir` is a tmpfs mount point, from `/proc/self/mounts`.
    static func isTmpfs(_ dir: String) -> Bool {
        (ProcFS.read("/proc/self/mounts") ?? "").split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == dir && fields[2] == "tmpfs"
        }
    }

    /// A scratch directory where collapse works, and how to clean it up.
    static func collapseCapable() -> (Scratch, () -> Void)? {
        if canCollapse("/tmp") {
            let scratch = Scratch()
            return (scratch, { scratch.remove() })
        }
        let holder = Scratch()
        let image = holder.child("fs.img"), mountPoint = holder.child("mnt")
        mkdir(mountPoint, 0o755)
        guard Child.run(["/usr/bin/truncate", "-s", "64M", image]) == 0,
              Child.run(["/usr/sbin/mkfs.ext4", "-q", "-F", image], output: holder.child("mkfs.out")) == 0,
              Child.run(["/usr/bin/mount", "-o", "loop", image, mountPoint]) == 0 else {
            holder.remove()
            return nil
        }
        let scratch = Scratch(under: mountPoint)
        return (scratch, { _ = Child.run(["/usr/bin/umount", mountPoint]); holder.remove() })
    }

    /// A scratch directory on tmpfs (which cannot collapse), and how to clean it up.
    static func tmpfs() -> (Scratch, () -> Void)? {
        if isTmpfs("/dev/shm") {
            let scratch = Scratch(under: "/dev/shm")
            return (scratch, { scratch.remove() })
        }
        let holder = Scratch()
        guard Child.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", holder.path]) == 0 else {
            holder.remove()
            return nil
        }
        let scratch = Scratch(under: holder.path)
        return (scratch, { _ = Child.run(["/usr/bin/umount", holder.path]); holder.remove() })
    }
}

/// A real thread (`pthread_create`), for work that must go on while a test blocks its own thread:
/// Swift concurrency's pool has one thread per core, and blocking tests would starve a `Task`.
final class BackgroundThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void
    private var started = false

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let me = Unmanaged<BackgroundThread>.fromOpaque(context).takeRetainedValue()
            me.body()
            return nil
        }, context) == 0
        if !started { Unmanaged<BackgroundThread>.fromOpaque(context).release() }
    }

    /// Waits for the body to finish.
    func join() { if started { pthread_join(thread, nil); started = false } }
}
