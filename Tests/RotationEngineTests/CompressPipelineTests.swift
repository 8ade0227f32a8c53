import Foundation
import Synchronization
import SystemPackage
import Testing
import TestSupport
@testable import RotationEngine

/// `O_TMPFILE` outputs and their `linkat`: nameless until complete, never replacing a name.
@Suite struct AnonymousFileTests {
    @Test func anonymousFileHasNoNameUntilLinked() throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        let dir = try DirectoryHandle.open(tmp.path)
        let before = try dir.entries()
        let fd = try #require(try dir.createAnonymous(), "O_TMPFILE not supported in /tmp")
        try fd.writeAll(Array("complete\n".utf8), path: "anonymous")
        #expect(try dir.entries() == before, "an anonymous file must not show in the directory")
        try dir.link(fd, as: "named.gz")
        try fd.close()
        #expect(try dir.entries().sorted() == (before + ["named.gz"]).sorted())
        #expect(TestFile.bytes(tmp.child("named.gz")) == Array("complete\n".utf8))
        #expect(try dir.status("named.gz")?.linkCount == 1)
    }

    @Test func linkNeverReplacesAnExistingName() throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        _ = TestFile.write(Array("theirs".utf8), to: tmp.child("taken.gz"))
        let dir = try DirectoryHandle.open(tmp.path)
        let fd = try #require(try dir.createAnonymous())
        defer { _ = try? fd.close() }
        try fd.writeAll(Array("ours".utf8), path: "anonymous")
        #expect(throws: SystemError.self) { try dir.link(fd, as: "taken.gz") }
        do { try dir.link(fd, as: "taken.gz") } catch { #expect(error.errno == .fileExists) }
        #expect(TestFile.bytes(tmp.child("taken.gz")) == Array("theirs".utf8))
    }

    @Test func anonymousFileClosedUnlinkedLeavesNothing() throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        let dir = try DirectoryHandle.open(tmp.path)
        let fd = try #require(try dir.createAnonymous())
        try fd.writeAll([UInt8](repeating: 7, count: 100_000), path: "anonymous")
        try fd.close()
        #expect(try dir.entries().isEmpty)
    }
}

/// The worker side of a compression batch: one task opens, creates, compresses and copies metadata.
@Suite struct CompressTaskTests {
    static func task(_ dir: DirectoryHandle, _ name: String) -> CompressTask {
        let source = dir.child(name)
        return CompressTask(index: 0, step: .compress(source: source, destination: source + ".gz"), source: source,
                            dest: source + ".gz", srcDir: dir, srcName: name, dir: dir, destName: name + ".gz")
    }

    static func settings(anonymous: Bool, syncEach: Bool = false) -> CompressTask.Settings {
        CompressTask.Settings(gzip: GzipCompressor(jobs: 1), external: ExternalCompressor(command: "gzip"),
                              syncEach: syncEach, anonymous: anonymous, euid: geteuid(), groups: [:])
    }

    @Test(arguments: [true, false])
    func writesACompleteOutputThatOnlyTheCommitNames(anonymous: Bool) throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        let data = CompressFixtures.logLines(size: 50_000)
        _ = TestFile.write(data, to: tmp.child("app.log.1")); _ = TestFile.setModified(tmp.child("app.log.1"), 1_650_000_000)
        chmod(tmp.child("app.log.1"), 0o640)
        let dir = try DirectoryHandle.open(tmp.path)
        let t = Self.task(dir, "app.log.1")
        var scratch: CompressScratch? = nil
        guard case .written(let output) = t.run(Self.settings(anonymous: anonymous), scratch: &scratch) else {
            Issue.record("not written")
            return
        }
        #expect(scratch != nil, "the worker's scratch is kept for its next file")
        #expect(output.stats.bytesIn == 50_000)
        if anonymous {
            let file = try #require(output.file)
            #expect(output.temp == nil)
            #expect(try dir.entries() == ["app.log.1"], "nothing named before the commit")
            try dir.link(file, as: "app.log.1.gz")
            try file.close()
        } else {
            let temp = try #require(output.temp)
            #expect(output.file == nil)
            #expect(try dir.entries().sorted() == [temp, "app.log.1"].sorted())
            try dir.rename(temp, to: dir, as: "app.log.1.gz")
        }
        let gz = tmp.child("app.log.1.gz")
        #expect(CompressedFile.passesGzipTest(gz))
        #expect(same(CompressedFile.decompressed(gz), data))
        let st = try #require(try dir.status("app.log.1.gz"))
        #expect(st.mode == 0o640)
        #expect(st.modified.seconds == 1_650_000_000)
        #expect(st.linkCount == 1)
    }

    @Test func reportsWhatIsAlreadyThere() throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        let dir = try DirectoryHandle.open(tmp.path)
        var scratch: CompressScratch? = nil
        guard case .sourceGone = Self.task(dir, "missing.log").run(Self.settings(anonymous: true), scratch: &scratch) else {
            Issue.record("a missing source is .sourceGone")
            return
        }
        _ = TestFile.write(Array("x\n".utf8), to: tmp.child("done.log.gz"))
        guard case .alreadyDone = Self.task(dir, "done.log").run(Self.settings(anonymous: true), scratch: &scratch) else {
            Issue.record("output present, source gone: .alreadyDone")
            return
        }
        _ = TestFile.write(Array("y\n".utf8), to: tmp.child("done.log"))
        guard case .destinationExists(let st) = Self.task(dir, "done.log").run(Self.settings(anonymous: true), scratch: &scratch) else {
            Issue.record("both present: .destinationExists")
            return
        }
        #expect(st.size == 2)
        #expect(try dir.entries().sorted() == ["done.log", "done.log.gz"], "nothing created")
    }

    @Test func oneScratchCompressesManyFilesOfEverySize() throws {
        // The stream is reset between files and output is gathered in the write buffer: sizes around
        // the 256 KiB buffer, incompressible data that fills it several times, and empty files.
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        let dir = try DirectoryHandle.open(tmp.path)
        let buffer = GzipCompressor.bufferSize
        let inputs: [[UInt8]] = [CompressFixtures.logLines(size: 20_000), [], SeededRandom.bytes(3 * buffer + 5, seed: 7),
                                 CompressFixtures.logLines(size: buffer - 1, seed: 3), CompressFixtures.logLines(size: buffer, seed: 4),
                                 CompressFixtures.logLines(size: buffer + 1, seed: 5), SeededRandom.bytes(buffer - 10, seed: 9)]
        var scratch: CompressScratch? = nil
        for (n, data) in inputs.enumerated() {
            _ = TestFile.write(data, to: tmp.child("f\(n)"))
            guard case .written(let output) = Self.task(dir, "f\(n)").run(Self.settings(anonymous: true), scratch: &scratch),
                  let file = output.file else {
                Issue.record("file \(n) not written")
                continue
            }
            try dir.link(file, as: "f\(n).gz")
            try file.close()
            #expect(output.stats.bytesOut == Int64(TestFile.bytes(tmp.child("f\(n).gz"))?.count ?? -1))
            #expect(CompressedFile.passesGzipTest(tmp.child("f\(n).gz")), "file \(n)")
            #expect(same(CompressedFile.decompressed(tmp.child("f\(n).gz")), data), "file \(n) (\(data.count) bytes)")
        }
    }

    @Test func aFailedCompressionLeavesNoOutput() throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        _ = TestFile.write(CompressFixtures.logLines(size: 10_000), to: tmp.child("a.log"))
        let dir = try DirectoryHandle.open(tmp.path)
        var settings = Self.settings(anonymous: false)
        settings.gzip = GzipCompressor(level: 42, jobs: 1)   // deflateInit2 refuses
        var scratch: CompressScratch? = nil
        guard case .failed(let message) = Self.task(dir, "a.log").run(settings, scratch: &scratch) else {
            Issue.record("an invalid level fails")
            return
        }
        #expect(message.contains("source kept"))
        #expect(try dir.entries() == ["a.log"], "the temporary output is removed")
    }
}

/// The commit pipeline: results in order, chunk by chunk, while workers go on with later jobs.
@Suite struct BatchPipelineTests {
    final class Probe: @unchecked Sendable {
        let lock = Mutex<(done: Set<Int>, maxAhead: Int, committed: Int)>((done: [], maxAhead: 0, committed: 0))
    }

    @Test(arguments: [(1, 1, 5), (2, 3, 10), (3, 4, 50), (2, 7, 7), (2, 128, 3)])
    func deliversEveryResultInOrderByChunk(workers: Int, chunk: Int, count: Int) {
        var seen: [Int] = []
        var ranges: [Range<Int>] = []
        BatchPipeline<Int>.start(count: count, workers: workers, chunk: chunk, work: { i, _ in i * i }).commit { range, outputs in
            ranges.append(range)
            #expect(outputs == range.map { $0 * $0 })
            seen += range
        }
        #expect(seen == Array(0..<count))
        #expect(ranges.allSatisfy { $0.count <= chunk })
        #expect(ranges.dropLast().allSatisfy { $0.count == chunk })
    }

    @Test func workersCompressTheNextChunkWhileOneIsCommitted() {
        // The first commit waits (up to 10 s) until a job of the next chunk has finished: it can only
        // happen if workers run while this thread commits.
        let probe = Probe()
        var overlapped = false
        BatchPipeline<Int>.start(count: 40, workers: 2, chunk: 10, work: { i, _ in
            probe.lock.withLock { state in
                state.done.insert(i)
                state.maxAhead = max(state.maxAhead, i + 1 - state.committed)
            }
            return i
        }).commit { range, _ in
            if range.lowerBound == 0 {
                let deadline = Date().addingTimeInterval(10)
                while Date() < deadline {
                    if probe.lock.withLock({ $0.done.contains { $0 >= 10 } }) { overlapped = true; break }
                    usleep(1000)
                }
            }
            probe.lock.withLock { $0.committed = range.upperBound }
        }
        #expect(overlapped)
        // Never more than three chunks finished but not committed (bounds the open descriptors).
        #expect(probe.lock.withLock { $0.maxAhead } <= 30)
    }

    @Test func oneWorkerRunsOnTheCallingThread() {
        let me = pthread_self()
        let probe = Probe()
        BatchPipeline<Bool>.start(count: 6, workers: 1, chunk: 4, work: { i, _ in
            pthread_equal(pthread_self(), me) != 0
        }).commit { _, outputs in
            probe.lock.withLock { $0.committed += outputs.filter { $0 }.count }
        }
        #expect(probe.lock.withLock { $0.committed } == 6)
    }
}

/// Many unlinks side by side, each result in its slot.
@Suite struct ParallelRemovalTests {
    @Test(arguments: [1, 4])
    func removesEveryNameAndReportsEachFailure(threads: Int) throws {
        let tmp = TempDirectory("rotatectl-pipeline")
        defer { tmp.remove() }
        for n in 0..<300 { _ = TestFile.write(Array("x\(n)".utf8), to: tmp.child("f\(n)")) }
        mkdir(tmp.child("sub"), 0o755)
        let dir = try DirectoryHandle.open(tmp.path)
        var names = (0..<300).map { (dir, "f\($0)") }
        names.insert((dir, "sub"), at: 150)            // unlinkat of a directory fails (EISDIR)
        names.insert((dir, "never-existed"), at: 7)    // already gone: not an error
        let errors = DirectoryHandle.removeAll(names, threads: threads)
        #expect(errors.count == names.count)
        #expect(errors.enumerated().filter { $0.element != nil }.map(\.offset) == [151])
        #expect(errors[151]?.description.contains("sub") == true)
        #expect(try dir.entries() == ["sub"])
    }
}
