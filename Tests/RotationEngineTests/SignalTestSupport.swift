#if canImport(Glibc)
import Glibc
#endif
@testable import RotationEngine

/// A fresh directory under /tmp, removed (with everything in it) by `remove()`.
struct ScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/rotatectl-unit-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        path = made.map { String(cString: $0) } ?? "/tmp"
    }

    func handle() throws -> DirectoryHandle { try DirectoryHandle.open(path) }
    func child(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) {
        let fd = open(child(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    func read(_ name: String) -> String {
        ProcFS.read(child(name)) ?? ""
    }

    func remove() { _ = SpawnedChild.run(["/bin/rm", "-rf", path]) }
}

/// A child process started with `posix_spawn`.
struct SpawnedChild {
    let pid: pid_t

    /// Starts `arguments` (arguments[0] an absolute path), nil if it could not be started.
    static func start(_ arguments: [String]) -> SpawnedChild? {
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // Default dispositions and an empty mask: the test runner may ignore or block signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], nil, &attributes, &argv, environ)
        return status == 0 ? SpawnedChild(pid: pid) : nil
    }

    /// Runs to completion; the exit status, or -1.
    static func run(_ arguments: [String]) -> Int32 {
        start(arguments)?.wait() ?? -1
    }

    /// `waitpid`: the exit status, or 128 + signal for a process killed by a signal.
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }
}

/// Polls `condition` every 10 ms for up to `timeout` seconds.
func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicNow() + timeout
    while monotonicNow() < deadline {
        if condition() { return true }
        sleepSeconds(0.01)
    }
    return condition()
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
