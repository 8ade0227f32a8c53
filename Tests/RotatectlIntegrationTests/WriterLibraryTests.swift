#if canImport(Glibc)
import Glibc
#endif
import Logging
import RotatectlWriter
import Synchronization
import Testing
@testable import RotationEngine
import TestSupport

/// RotatectlWriter in this process: SIGHUP raised here, threads writing meanwhile.
@Suite(.serialized) struct WriterLibraryTests {
    @Test func threadedWritesSurviveEightRenamesAndSignals() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let file = try ReopeningLogFile(path: scratch.child("app.log"))
        let threads = 4, perThread = 5000
        let next = Counter()
        let writers = (0..<threads).map { _ in
            BackgroundThread {
                for _ in 0..<perThread {
                    let n = next.take()
                    do { try file.write("line \(n)\n") } catch { Issue.record("write failed: \(error)") }
                    if n % 40 == 0 { sleepSeconds(0.001) }
                }
            }
        }
        for round in 1...8 {
            sleepSeconds(0.01)
            try #require(rename(scratch.child("app.log"), scratch.child("app.log.\(round)")) == 0)
            let before = ReopenSignal.count
            kill(getpid(), SIGHUP)   // to whichever thread does not block it
            #expect(eventually { ReopenSignal.count > before })
            try file.reopenIfSignalled()
            #expect(scratch.exists("app.log"))
        }
        for writer in writers { writer.join() }
        try file.close()
        let files = ["app.log"] + (1...8).map { "app.log.\($0)" }
        let numbers = files.flatMap { lineNumbers(scratch.bytes($0) ?? []) }
        #expect(numbers.sorted() == Array(1...(threads * perThread)))
        #expect(files.allSatisfy { scratch.exists($0) })
        #expect(files.filter { !(scratch.bytes($0) ?? []).isEmpty }.count >= 6, "the writers were not writing across the renames")
    }

    @Test func filesAreOpenedForAppendAndCreatedWithTheMode() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("app.log", "old\n")
        let file = try ReopeningLogFile(path: scratch.child("app.log"), mode: 0o600, reopenOn: nil)
        try file.write("new\n")
        #expect(scratch.read("app.log") == "old\nnew\n")
        try #require(rename(scratch.child("app.log"), scratch.child("app.log.1")) == 0)
        try file.reopen()
        try file.write("after\n")
        #expect(scratch.read("app.log") == "after\n")
        #expect(scratch.status("app.log")?.mode == 0o600)
        let key = FileKey(try #require(scratch.status("app.log")))
        // Our own fd is invisible to OpenWriters (it skips this process), so check the flags directly.
        let fds = ProcFS.numericEntries("/proc/self/fd")
        let flags = fds.compactMap { fd -> Int32? in
            var st = stat()
            guard fstat(fd, &st) == 0, UInt64(st.st_dev) == key.device, UInt64(st.st_ino) == key.inode else { return nil }
            return ProcFS.fdFlags(pid: getpid(), fd: fd)
        }
        #expect(flags.count == 1)
        #expect(flags.allSatisfy { $0 & O_APPEND != 0 && $0 & O_CLOEXEC != 0 })
        try file.close()
        #expect(throws: LogFileError.self) { try file.write("closed\n") }
    }

    @Test func aFailedReopenKeepsWritingToTheOldFile() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        mkdir(scratch.child("logs"), 0o755)
        let file = try ReopeningLogFile(path: scratch.child("logs/app.log"), reopenOn: nil)
        try #require(rename(scratch.child("logs"), scratch.child("gone")) == 0)
        #expect(throws: LogFileError.self) { try file.reopen() }
        #expect(file.reopenFailure != nil)
        try file.write("still here\n")
        #expect(scratch.read("gone/app.log") == "still here\n")
    }

    @Test func logHandlerWritesFormattedLines() throws {
        let scratch = TempDirectory()
        defer { scratch.remove() }
        let file = try ReopeningLogFile(path: scratch.child("app.log"), reopenOn: nil)
        var logger = Logger(label: "svc") { label in ReopeningLogHandler(label: label, file: file) }
        logger[metadataKey: "request"] = "42"
        logger.info("hello", metadata: ["user": "ann"])
        logger.debug("hidden")
        let text = scratch.read("app.log") ?? ""
        #expect(text.hasSuffix(" info svc: hello request=42 user=ann\n"))
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.hasPrefix("20") && text.split(separator: " ").first?.hasSuffix("Z") == true)
    }
}

/// A line number shared by writer threads.
final class Counter: Sendable {
    private let value = Atomic<Int>(1)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
