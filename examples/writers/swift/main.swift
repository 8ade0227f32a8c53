// example-writer PATH COUNT RATE [--pidfile P] [--threads N]
//
// Writes COUNT numbered lines "line N\n" to PATH at RATE lines per second (0: as fast as it can), with
// RotatectlWriter's ReopeningLogFile: O_APPEND, reopened by path after SIGHUP. With --pidfile it writes
// its pid there (after the SIGHUP handler is installed, so a rotator reading it may signal at once).
// With --threads N, N threads share the numbering; each line is still one write(2).
#if canImport(Glibc)
import Glibc
#endif
import RotatectlWriter
import Synchronization

func fail(_ message: String) -> Never {
    let text = "example-writer: \(message)\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func pause(_ seconds: Double) {
    var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var rest = timespec()
    while nanosleep(&ts, &rest) == -1 && errno == EINTR { ts = rest }
}

var positional: [String] = []
var pidFile: String?
var threads = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--pidfile":
        guard let value = arguments.next() else { fail("--pidfile needs a path") }
        pidFile = value
    case "--threads":
        guard let value = arguments.next(), let n = Int(value), n >= 1 else { fail("--threads needs a number >= 1") }
        threads = n
    default:
        positional.append(argument)
    }
}
guard positional.count == 3, let count = Int(positional[1]), count >= 0, let rate = Double(positional[2]), rate >= 0 else {
    fail("usage: example-writer PATH COUNT RATE [--pidfile P] [--threads N]")
}

let log: ReopeningLogFile
do {
    log = try ReopeningLogFile(path: positional[0])
} catch {
    fail("\(error)")
}

if let pidFile {
    let temporary = pidFile + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { fail("\(temporary): open: \(String(cString: strerror(errno)))") }
    let text = "\(getpid())\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
    close(fd)
    guard rename(temporary, pidFile) == 0 else { fail("\(pidFile): rename: \(String(cString: strerror(errno)))") }
}

/// The shared work of every thread: takes line numbers until COUNT, keeping to RATE (sleeping only when
/// more than 1 ms ahead).
final class Job: Sendable {
    let log: ReopeningLogFile
    let count: Int
    let rate: Double
    let start = now()
    let next = Atomic<Int>(1)

    init(log: ReopeningLogFile, count: Int, rate: Double) {
        self.log = log
        self.count = count
        self.rate = rate
    }

    func run() {
        while true {
            let n = next.wrappingAdd(1, ordering: .relaxed).oldValue
            if n > count { return }
            if rate > 0 {
                let ahead = start + Double(n - 1) / rate - now()
                if ahead > 0.001 { pause(ahead) }
            }
            do {
                try log.write("line \(n)\n")
            } catch {
                fail("\(error)")
            }
        }
    }
}

extension Job {
    /// Starts a thread running `run()` (`pthread_create`; a closure of top-level code would be
    /// main-actor isolated, so it is formed here).
    func spawn() -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let started = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Job>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else { fail("pthread_create: \(String(cString: strerror(started)))") }
        return thread
    }
}

let job = Job(log: log, count: count, rate: rate)
let workers = (1..<threads).map { _ in job.spawn() }
job.run()
for thread in workers { pthread_join(thread, nil) }
do { try log.close() } catch { fail("\(error)") }
