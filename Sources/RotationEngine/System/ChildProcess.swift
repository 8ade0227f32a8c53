#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// How a child process ended.
public struct ChildResult: Sendable, Equatable, CustomStringConvertible {
    /// The exit status, when the child exited.
    public var exitCode: Int32?
    /// The signal that terminated the child, when it was killed.
    public var signal: Int32?
    /// The child outlived its timeout and was sent SIGTERM (then SIGKILL).
    public var timedOut: Bool

    public init(exitCode: Int32? = nil, signal: Int32? = nil, timedOut: Bool = false) {
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
    }

    /// Exited with status 0 within its time.
    public var succeeded: Bool { exitCode == 0 && !timedOut }

    public var description: String {
        var text: String
        if let code = exitCode {
            text = "exited with status \(code)"
        } else if let sig = signal {
            text = "killed by signal \(sig)"
            if let name = strsignal(sig) { text += " (\(String(cString: name)))" }
        } else {
            text = "ended in an unknown way"
        }
        return timedOut ? "timed out and \(text)" : text
    }
}

/// A child's result together with what it wrote to the captured stream(s).
public struct CapturedRun: Sendable, Equatable {
    public var result: ChildResult
    /// The first `limit` bytes of output, decoded as UTF-8 (invalid sequences repaired).
    public var output: String
    /// More output was written than was kept.
    public var truncated: Bool
}

/// Runs programs with `posix_spawnp`: an argument vector, never a shell unless the caller asks for
/// `/bin/sh -c`. The child gets the default signal dispositions and an empty signal mask, has every
/// descriptor above 2 closed, and runs in a process group of its own so that a timeout can end the
/// whole tree it started (SIGTERM, then SIGKILL after two seconds). Being in its own group, the child
/// does not get the terminal's ^C: whoever handles SIGINT/SIGTERM in rotatectl should let running children
/// finish or time out. Children are reaped with `waitpid(pid)`, so nothing else in the process may reap
/// them (no SIGCHLD set to SIG_IGN, no handler calling `wait`).
public struct ChildProcess {
    /// How long after SIGTERM a child that overran its timeout gets before SIGKILL.
    public static let killGrace: Double = 2

    /// Runs `argv` and waits for it. `stdin`, `stdout` and `stderr` replace the child's standard
    /// descriptors when given (otherwise it inherits ours); `environment` adds to or overrides our own.
    public static func run(
        _ argv: [String], stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil,
        environment: [String: String] = [:], timeout: Double? = nil
    ) throws(SystemError) -> ChildResult {
        let pid = try spawn(argv, stdin: stdin, stdout: stdout, stderr: stderr, environment: environment)
        var waiter = Waiter(pid: pid, timeout: timeout)
        return try waiter.waitBlocking(program: argv[0])
    }

    /// Runs `argv` and collects what it writes: stdout and stderr both, or only stderr when `stdout` is
    /// given. At most `limit` bytes are kept; the rest is read and dropped so the child never blocks.
    public static func runCapturingOutput(
        _ argv: [String], stdin: Int32? = nil, stdout: Int32? = nil,
        environment: [String: String] = [:], timeout: Double? = nil, limit: Int = 64 * 1024
    ) throws(SystemError) -> CapturedRun {
        var fds: [Int32] = [-1, -1]
        _ = try system_call("pipe", argv.first ?? "") { pipe(&fds) }
        let readEnd = fds[0], writeEnd = fds[1]
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { _ = Glibc.close(readEnd) }
        let pid: pid_t
        do {
            pid = try spawn(argv, stdin: stdin, stdout: stdout ?? writeEnd, stderr: writeEnd, environment: environment)
        } catch {
            _ = Glibc.close(writeEnd)
            throw error
        }
        _ = Glibc.close(writeEnd)

        var waiter = Waiter(pid: pid, timeout: timeout)
        var kept: [UInt8] = []
        kept.reserveCapacity(min(limit, 4096))
        var truncated = false
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
        defer { chunk.deallocate() }

        func drain(_ n: Int) {
            let room = limit - kept.count
            if n > room { truncated = true }
            let take = max(0, min(n, room))
            if take > 0 { kept.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<take])) }
        }

        var open = true
        var result: ChildResult? = nil
        while result == nil {
            if open {
                var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                if case .success(let ready) = system_retry("poll", argv[0], { poll(&pfd, 1, 50) }), ready > 0 {
                    switch system_retry("read", argv[0], { Glibc.read(readEnd, chunk.baseAddress, chunk.count) }) {
                    case .success(let n) where n > 0: drain(n)
                    default: open = false
                    }
                }
            }
            result = try waiter.poll(program: argv[0], sleepIfRunning: !open)
        }
        // The child is gone; a grandchild may still hold the pipe, so read only what is there already.
        if open {
            _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
            while case .success(let n) = system_retry("read", argv[0], { Glibc.read(readEnd, chunk.baseAddress, chunk.count) }), n > 0 {
                drain(n)
            }
        }
        return CapturedRun(result: result ?? ChildResult(), output: String(decoding: kept, as: UTF8.self), truncated: truncated)
    }

    /// `posix_spawnp` with the descriptor redirections, signal reset and environment described above.
    static func spawn(
        _ argv: [String], stdin: Int32?, stdout: Int32?, stderr: Int32?, environment: [String: String]
    ) throws(SystemError) -> pid_t {
        guard let program = argv.first, !program.isEmpty else {
            throw SystemError("posix_spawn", path: "", errno: .invalidArgument)
        }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // dup2 onto the same number would keep O_CLOEXEC set and the child would lose the descriptor;
        // glibc clears FD_CLOEXEC in that case, as POSIX 2024 asks.
        for (source, target) in [(stdin, Int32(0)), (stdout, Int32(1)), (stderr, Int32(2))] {
            if let source { posix_spawn_file_actions_adddup2(&actions, source, target) }
        }
        closeInheritedDescriptors(&actions)

        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var env: [String: String] = [:]
        if let environ = Glibc.environ as UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
            var p = environ
            while let entry = p.pointee {
                let pair = FileNameEncoding.decode(cString: entry)
                if let eq = pair.firstIndex(of: "=") {
                    env[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
                }
                p += 1
            }
        }
        for (key, value) in environment { env[key] = value }

        // Arguments (a log path given to a script) and the environment reach the child as the bytes
        // they stand for (`FileNameEncoding`), not as UTF-8 of their escape scalars.
        let cArgv = argv.map { FileNameEncoding.withCString($0) { strdup($0) } } + [nil]
        let cEnv = env.map { FileNameEncoding.withCString("\($0.key)=\($0.value)") { strdup($0) } } + [nil]
        defer {
            for p in cArgv { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = FileNameEncoding.withCString(program) { posix_spawnp(&pid, $0, &actions, &attributes, cArgv, cEnv) }
        if rc != 0 { throw SystemError("posix_spawn", path: program, errno: Errno(rawValue: rc)) }
        return pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np(3)` (glibc 2.34+, looked up with `dlsym` since the Glibc
    /// module does not export it); failing that, a close action for each entry of /proc/self/fd above 2.
    static func closeInheritedDescriptors(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = closeFromSymbol {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(actions, 3) == 0 { return }
        }
        guard let dir = opendir("/proc/self/fd") else { return }
        defer { closedir(dir) }
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let fd = Int32(name), fd > 2, fd != own { posix_spawn_file_actions_addclose(actions, fd) }
        }
    }

    nonisolated(unsafe) static let closeFromSymbol: UnsafeMutableRawPointer? = {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
    }()

    /// Waits for one child, escalating from SIGTERM to SIGKILL on its process group past the timeout.
    struct Waiter {
        let pid: pid_t
        let deadline: Double?
        var termSentAt: Double? = nil
        var killed = false
        var pause: Double = 0.001

        init(pid: pid_t, timeout: Double?) {
            self.pid = pid
            self.deadline = timeout.map { monotonicNow() + max(0, $0) }
        }

        /// Waits until the child ends; without a timeout, in one blocking `waitpid`.
        mutating func waitBlocking(program: String) throws(SystemError) -> ChildResult {
            if deadline == nil {
                var status: Int32 = 0
                _ = try system_call("waitpid", program) { waitpid(pid, &status, 0) }
                return ChildProcess.decode(status, timedOut: false)
            }
            while true {
                if let result = try poll(program: program, sleepIfRunning: true) { return result }
            }
        }

        /// One `waitpid(WNOHANG)`; sends the timeout's signals when due; optionally sleeps a little
        /// (backing off up to 50 ms) while the child still runs.
        mutating func poll(program: String, sleepIfRunning: Bool) throws(SystemError) -> ChildResult? {
            var status: Int32 = 0
            let reaped = try system_call("waitpid", program) { waitpid(pid, &status, WNOHANG) }
            if reaped == pid { return ChildProcess.decode(status, timedOut: termSentAt != nil) }
            let t = monotonicNow()
            if let deadline, t >= deadline {
                if termSentAt == nil {
                    termSentAt = t
                    signalGroup(SIGTERM)
                } else if let sent = termSentAt, !killed, t >= sent + ChildProcess.killGrace {
                    killed = true
                    signalGroup(SIGKILL)
                }
            }
            if sleepIfRunning {
                sleepSeconds(pause)
                pause = min(pause * 2, 0.05)
            }
            return nil
        }

        /// Signals the child's process group, and the child itself should it have left the group.
        func signalGroup(_ sig: Int32) {
            _ = kill(-pid, sig)
            _ = kill(pid, sig)
        }
    }

    static func decode(_ status: Int32, timedOut: Bool) -> ChildResult {
        if rotatectl_wifexited(status) != 0 {
            return ChildResult(exitCode: rotatectl_wexitstatus(status), timedOut: timedOut)
        }
        if rotatectl_wifsignaled(status) != 0 {
            return ChildResult(signal: rotatectl_wtermsig(status), timedOut: timedOut)
        }
        return ChildResult(timedOut: timedOut)
    }
}
