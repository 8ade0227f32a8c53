#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, with default signal dispositions and an empty signal mask
/// (the test runner may ignore or block signals), in this process's environment with changes.
public struct SpawnedProcess: Sendable {
    public let pid: pid_t

    /// Starts `arguments` (`arguments[0]` an absolute path), nil if it could not be started. Its standard
    /// input, output and error are this process's, unless `output` names a file both are appended to.
    public static func start(_ arguments: [String], output: String? = nil, environment: [String: String] = [:],
                             removing: [String] = [], directory: String? = nil) -> SpawnedProcess? {
        spawn(arguments, environment: environment, removing: removing, directory: directory) { actions in
            if let output {
                posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
        }
    }

    /// Runs to completion; the exit status (as `wait()`), or -1 if it could not be started.
    @discardableResult
    public static func run(_ arguments: [String], output: String? = nil) -> Int32 {
        start(arguments, output: output)?.wait() ?? -1
    }

    /// Runs to completion with standard input from /dev/null, collecting standard output and error
    /// (`mergingErrors`: standard error into standard output, interleaved as written).
    public static func capture(_ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                               directory: String? = nil, mergingErrors: Bool = false) -> ProcessResult {
        let r = captureBytes(arguments, environment: environment, removing: removing, directory: directory,
                             mergingErrors: mergingErrors)
        return ProcessResult(status: r.status, stdout: String(decoding: r.stdout, as: UTF8.self),
                             stderr: String(decoding: r.stderr, as: UTF8.self))
    }

    /// `capture`, the output as bytes.
    public static func captureBytes(_ arguments: [String], environment: [String: String] = [:],
                                    removing: [String] = [], directory: String? = nil,
                                    mergingErrors: Bool = false) -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard makePipe(&out) else { return (-1, [], Array("pipe2: \(errno)".utf8)) }
        guard makePipe(&err) else {
            close(out[0]); close(out[1])
            return (-1, [], Array("pipe2: \(errno)".utf8))
        }
        let child = spawn(arguments, environment: environment, removing: removing, directory: directory) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, out[1], 1)
            posix_spawn_file_actions_adddup2(&actions, mergingErrors ? out[1] : err[1], 2)
        }
        close(out[1])
        close(err[1])
        defer { close(out[0]); close(err[0]) }
        guard let child else { return (-1, [], Array("posix_spawn \(arguments.first ?? ""): failed".utf8)) }
        // Both pipes at once, so that a chatty child cannot fill one and block.
        var collected: [[UInt8]] = [[], []]
        var open = [true, true]
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while open[0] || open[1] {
            var fds = [pollfd(fd: open[0] ? out[0] : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: open[1] ? err[0] : -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 { collected[i].append(contentsOf: chunk[0..<n]) } else if n == 0 || errno != EINTR { open[i] = false }
            }
        }
        return (child.wait(), collected[0], collected[1])
    }

    /// `waitpid`: the exit status, or 128 + the signal for a process killed by one; -1 if there is no
    /// such child.
    @discardableResult
    public func wait() -> Int32 { termination()?.status ?? -1 }

    /// `waitpid`: how the process ended, nil if there is no such child.
    public func termination() -> Termination? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return nil }
        }
        return status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }

    /// Sends `signal` (`kill`).
    public func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }

    private static func spawn(_ arguments: [String], environment: [String: String], removing: [String],
                              directory: String?, _ redirect: (inout posix_spawn_file_actions_t) -> Void) -> SpawnedProcess? {
        guard let program = arguments.first else { return nil }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var env: [String: String] = [:]
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { env[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            index += 1
        }
        for name in removing { env[name] = nil }
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
        redirect(&actions)
        // Nothing but 0-2 reaches the child: a descriptor another test (on another thread) has open on
        // its own log would otherwise make this child a writer of that log in /proc.
        if let addclosefrom { _ = addclosefrom(&actions, 3) }
        if let directory {
            guard let addchdir = addchdir, addchdir(&actions, directory) == 0 else { return nil }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, program, &actions, &attributes, &argv, &envp)
        return status == 0 ? SpawnedProcess(pid: pid) : nil
    }

    // glibc's `pipe2`, `posix_spawn_file_actions_addchdir_np` and `_addclosefrom_np` are GNU extensions the Glibc module
    // does not show; found by `dlsym`.
    private static let pipe2 = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
    }
    private static let addchdir = dlsym(UnsafeMutableRawPointer(bitPattern: 0),
                                                            "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                               UnsafePointer<CChar>) -> Int32).self)
    }

    private static let addclosefrom = dlsym(UnsafeMutableRawPointer(bitPattern: 0),
                                            "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }

    /// A pipe whose ends close on exec, so that children other threads start do not hold them open.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        if let pipe2 { return pipe2(&fds, O_CLOEXEC) == 0 }
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}
