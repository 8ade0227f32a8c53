#if canImport(Glibc)
import Glibc
#endif

/// Children whose standard input is a pipe: filled by a thread of ours, or by another child.
extension ChildProcess {
    /// Runs `argv` with its standard input the read end of a pipe that `feed` writes on a worker thread
    /// (SIGPIPE blocked there, so a child that exits without reading everything ends `feed` with EPIPE);
    /// waits for the child (with `timeout`), then for the thread. Returns the child's result and what
    /// `feed` returned (nil: it wrote everything).
    static func runFed(_ argv: [String], stdout: Int32?, timeout: Double?,
                       feed: @escaping @Sendable (Int32) -> String?) throws(SystemError) -> (ChildResult, String?) {
        let (readEnd, writeEnd) = try makePipe(argv.first ?? "")
        let pid: pid_t
        do {
            pid = try spawn(argv, stdin: readEnd, stdout: stdout, stderr: nil, environment: [:])
        } catch {
            _ = Glibc.close(readEnd); _ = Glibc.close(writeEnd)
            throw error
        }
        _ = Glibc.close(readEnd)
        let fed = FeedResult()
        let thread: WorkerThread?
        do {
            thread = try WorkerThread.start {
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &set, nil)
                fed.failure = feed(writeEnd)
                _ = Glibc.close(writeEnd)
            }
        } catch {
            _ = Glibc.close(writeEnd)
            fed.failure = "\(error)"
            thread = nil
        }
        var waiter = Waiter(pid: pid, timeout: timeout)
        let result = Result { () throws(SystemError) in try waiter.waitBlocking(program: argv[0]) }
        thread?.join()
        return (try result.get(), fed.failure)
    }

    /// `first < stdin | second`: both spawned, both waited for (each with `timeout`).
    static func runPiped(_ first: [String], stdin: Int32, into second: [String], stdout: Int32?,
                         timeout: Double?) throws(SystemError) -> (first: ChildResult, second: ChildResult) {
        let (readEnd, writeEnd) = try makePipe(second.first ?? "")
        let producer: pid_t
        do {
            producer = try spawn(first, stdin: stdin, stdout: writeEnd, stderr: nil, environment: [:])
        } catch {
            _ = Glibc.close(readEnd); _ = Glibc.close(writeEnd)
            throw error
        }
        _ = Glibc.close(writeEnd)
        let consumer: pid_t
        do {
            consumer = try spawn(second, stdin: readEnd, stdout: stdout, stderr: nil, environment: [:])
        } catch {
            _ = Glibc.close(readEnd)
            var w = Waiter(pid: producer, timeout: 0)
            _ = try? w.waitBlocking(program: first[0])
            throw error
        }
        _ = Glibc.close(readEnd)
        var consumerWaiter = Waiter(pid: consumer, timeout: timeout)
        let consumed = Result { () throws(SystemError) in try consumerWaiter.waitBlocking(program: second[0]) }
        var producerWaiter = Waiter(pid: producer, timeout: timeout)
        let produced = Result { () throws(SystemError) in try producerWaiter.waitBlocking(program: first[0]) }
        return (try produced.get(), try consumed.get())
    }

    /// `pipe`, both ends close-on-exec (`spawn` closes every inherited descriptor above 2 anyway): a child
    /// gets an end only as a standard descriptor.
    static func makePipe(_ program: String) throws(SystemError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try system_call("pipe", program) { Glibc.pipe(&fds) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    private final class FeedResult: @unchecked Sendable {
        var failure: String?
    }
}
