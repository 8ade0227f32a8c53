#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SystemPackage

/// Errors forced on system calls, in debug builds only (`ROTATECTL_FAULT_INJECTION`), the way
/// swift-system's mocking driver forces errno values: `system_call`, `system_retry`, `system_once` and
/// `system_errorNumber` ask `forcedErrno` before making a call, and a forced errno is returned without
/// making it (a forced EINTR is retried like a real one, so the call is then made).
///
/// A rule names the call by its libc name (`fsync`, `fdatasync`, `write`, `pwrite`, `pread`, `read`,
/// `open`, `openat`, `close`, `fstat`, `fstatat`, `renameat`, `renameat2`, `unlinkat`, `mkdirat`,
/// `linkat`, `readlinkat`, `fchown`, `fchmod`, `futimens`, `ftruncate`, `posix_fallocate`, `lseek`,
/// `syncfs`, `sync_file_range`, `fcntl`, `dup`, `kill`, `stat`, `seteuid`, `setegid`, `pipe`, `poll`, `waitpid`,
/// `pthread_create`; a name with its flags, such as `fcntl(F_OFD_SETLK)`, also matches it whole), an
/// errno, which occurrence fails (the nth call the rule matches, or every one), and optionally a suffix
/// the call's path must end with. Rules come from
/// - `ROTATECTL_FAIL=CALL:ERRNO:N|*[:PATHSUFFIX],...`, read once at the first system call, e.g.
///   `fsync:EIO:2,renameat2:EXDEV:*,write:ENOSPC:1:app.log.1`; a bad rule is reported on standard error
///   once and ignored; `ROTATECTL_SYNCFS_FAIL_AT=K` is `syncfs:EIO:K` and `ROTATECTL_SETEUID_FAIL_AT=K`
///   is `seteuid:EPERM:K`;
/// - `force(_:_:occurrence:path:scope:)` in tests, undone by `reset()`.
///
/// Restoring root's ids (`Privileges.restore`) and writing to standard error are never forced to fail.
public enum SystemFaults {
    /// Which of the calls a rule matches fails.
    public enum Occurrence: Sendable, Equatable, CustomStringConvertible {
        /// The nth (from 1).
        case nth(Int)
        /// All of them.
        case every

        public var description: String {
            switch self {
            case .nth(let n): "\(n)"
            case .every: "*"
            }
        }
    }

    /// Which threads a rule forced in-process applies to.
    public enum Scope: Sendable, Equatable {
        /// Only the thread that forced it: tests running side by side do not see each other's faults.
        case callingThread
        /// Every thread of the process (the work of a set is spread over worker threads).
        case anyThread
    }

    /// One forced failure.
    public struct Rule: Sendable, Equatable, CustomStringConvertible {
        public var call: String
        public var errno: Errno
        public var occurrence: Occurrence
        public var pathSuffix: String?

        public init(_ call: String, _ errno: Errno, occurrence: Occurrence = .every, pathSuffix: String? = nil) {
            self.call = call
            self.errno = errno
            self.occurrence = occurrence
            self.pathSuffix = pathSuffix
        }

        /// Whether the rule is about the call `name` on `path`.
        func matches(_ name: String, _ path: String) -> Bool {
            guard call == name || SystemFaults.baseName(name) == call[...] else { return false }
            guard let pathSuffix else { return true }
            return path.hasSuffix(pathSuffix)
        }

        /// `CALL:ERRNO:N|*[:PATHSUFFIX]`, the form `ROTATECTL_FAIL` takes.
        public var description: String {
            let name = SystemFaults.errnoName(errno) ?? "\(errno.rawValue)"
            return "\(call):\(name):\(occurrence)" + (pathSuffix.map { ":" + $0 } ?? "")
        }
    }

    /// A rule forced in-process: how many calls it matched and how many it made fail.
    public struct Forced: Sendable, Equatable {
        let id: Int
    }

    /// A rule with its count of matching calls so far.
    struct Entry {
        var rule: Rule
        /// nil for rules from the environment.
        var id: Int?
        /// The thread that forced it, and the only one it applies to (nil: any thread).
        var forcer: pthread_t?
        var owner: pthread_t?
        var matched = 0
        var fired = 0
    }

    struct Table {
        var entries: [Entry]
        var nextID = 1
    }

    private static let table = Mutex(Table(entries: environmentRules().map { Entry(rule: $0) }))
    /// Whether the environment asked for any fault: read once, so calls cost one load when it did not.
    private static let environmentArmed: Bool = table.withLock { !$0.entries.isEmpty }
    /// Rules forced in-process and not yet reset.
    private static let forcedCount = Atomic<Int>(0)

    /// Makes calls named `call` fail with `errno`: the nth matching call (`occurrence: .nth(n)`) or every
    /// one, only on paths ending in `path` when given, only on the calling thread unless `scope` is
    /// `.anyThread`. Only debug builds make calls fail; release builds ignore it.
    @discardableResult
    public static func force(_ call: String, _ errno: Errno, occurrence: Occurrence = .every, path: String? = nil,
                             scope: Scope = .callingThread) -> Forced {
        let rule = Rule(call, errno, occurrence: occurrence, pathSuffix: path)
        let owner: pthread_t? = scope == .callingThread ? pthread_self() : nil
        let id = table.withLock { table in
            let id = table.nextID
            table.nextID += 1
            table.entries.append(Entry(rule: rule, id: id, forcer: pthread_self(), owner: owner))
            return id
        }
        forcedCount.add(1, ordering: .relaxed)
        return Forced(id: id)
    }

    /// Removes the rules forced by the calling thread (not another test's, nor the environment's).
    public static func reset() {
        let me = pthread_self()
        let removed = table.withLock { table in
            let before = table.entries.count
            table.entries.removeAll { $0.forcer.map { pthread_equal($0, me) != 0 } ?? false }
            return before - table.entries.count
        }
        forcedCount.subtract(removed, ordering: .relaxed)
    }

    /// How many calls a forced rule has matched, and how many of them it made fail.
    public static func count(_ forced: Forced) -> (matched: Int, fired: Int) {
        table.withLock { table in
            guard let e = table.entries.first(where: { $0.id == forced.id }) else { return (0, 0) }
            return (e.matched, e.fired)
        }
    }

    /// The errno `name` on `path` is to fail with now, nil to make the call. Counts the call for every
    /// rule that matches it; the first rule that fires wins.
    @inline(__always)
    static func forcedErrno(_ name: String, _ path: @autoclosure () -> String) -> Errno? {
        guard environmentArmed || forcedCount.load(ordering: .relaxed) > 0 else { return nil }
        return decide(name, path())
    }

    @inline(never)
    private static func decide(_ name: String, _ path: String) -> Errno? {
        let me = pthread_self()
        return table.withLock { table in
            var result: Errno?
            for i in table.entries.indices {
                let e = table.entries[i]
                if let owner = e.owner, pthread_equal(owner, me) == 0 { continue }
                guard e.rule.matches(name, path) else { continue }
                table.entries[i].matched += 1
                let fires: Bool
                switch e.rule.occurrence {
                case .every: fires = true
                case .nth(let n): fires = table.entries[i].matched == n
                }
                if fires && result == nil {
                    table.entries[i].fired += 1
                    result = e.rule.errno
                }
            }
            return result
        }
    }

    /// `fcntl(F_OFD_SETLK)` → `fcntl`, `openat(O_TMPFILE)` → `openat`.
    static func baseName(_ name: String) -> Substring {
        name.prefix { $0 != "(" && $0 != " " }
    }
}
