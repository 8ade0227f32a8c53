import Foundation
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct CompressFailureTests {
    /// Compressing 2 MiB of noise onto a 256 KiB tmpfs fails with ENOSPC naming the destination.
    @Test(arguments: [1, 2])
    func fullFileSystemIsASystemErrorWithThePath(jobs: Int) throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let mountPoint = dir.child("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mounted = try ChildProcess.runCapturingOutput(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint])
        try #require(mounted.result.succeeded, "mount: \(mounted.output)")
        defer { _ = try? ChildProcess.run(["umount", mountPoint]) }

        let source = dir.child("big.log"), gz = mountPoint + "/big.log.gz"
        try #require(TestFile.write(SeededRandom.bytes(2 * 1024 * 1024, seed: 7), to: source))
        #expect {
            try CompressTestIO.gzip(source, to: gz, with: GzipCompressor(jobs: jobs, blockSize: 128 * 1024))
        } throws: { error in
            guard let e = error as? CompressError, let system = e.systemError else { return false }
            return system.errno == .noSpace && system.path == gz
                && e.description == "\(gz): write: No space left on device"
        }
    }

    @Test func unreadableSourceIsASystemErrorWithThePath() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let gz = dir.child("out.gz")
        let output = try FileDescriptor.open(gz, .writeOnly, options: [.create], permissions: [.ownerReadWrite])
        defer { try? output.close() }
        let directory = try FileDescriptor.open(dir.path, .readOnly)
        defer { try? directory.close() }
        #expect {
            try GzipCompressor(jobs: 1).compress(source: directory, sourcePath: dir.path, destination: output,
                                                 destinationPath: gz, modificationTime: 0)
        } throws: { error in
            (error as? CompressError)?.description == "\(dir.path): pread: Is a directory"
        }
    }

    @Test func readFailureInTheParallelPipelineStopsEveryThread() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let source = dir.child("big.log"), gz = dir.child("big.log.gz")
        try #require(TestFile.write(CompressFixtures.logLines(size: 600_000), to: source))
        // Large enough for the parallel path, but not readable: pread fails with EBADF.
        let writeOnly = try FileDescriptor.open(source, .writeOnly)
        let output = try FileDescriptor.open(gz, .writeOnly, options: [.create], permissions: [.ownerReadWrite])
        defer { try? writeOnly.close(); try? output.close() }
        #expect(throws: CompressError.system(SystemError("pread", path: source, errno: .badFileDescriptor))) {
            try GzipCompressor(jobs: 2, blockSize: 64 * 1024).compress(
                source: writeOnly, sourcePath: source, destination: output, destinationPath: gz, modificationTime: 0)
        }
    }

    @Test func zlibFailureInTheParallelWorkersIsReported() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let source = dir.child("big.log")
        try #require(TestFile.write(CompressFixtures.logLines(size: 600_000), to: source))
        #expect {
            try CompressTestIO.gzip(source, to: source + ".gz", with: GzipCompressor(level: 11, jobs: 3, blockSize: 64 * 1024))
        } throws: { error in
            guard case .zlib(let path, "deflateInit2", _, _)? = error as? CompressError else { return false }
            return path == source
        }
    }

    @Test func truncatedGzipIsReportedAsCorrupt() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let source = dir.child("a.log"), gz = dir.child("a.log.gz"), cut = dir.child("cut.gz")
        try #require(TestFile.write(CompressFixtures.logLines(size: 200_000), to: source))
        try CompressTestIO.gzip(source, to: gz, with: GzipCompressor(jobs: 1))
        let bytes = try #require(TestFile.bytes(gz))
        try #require(TestFile.write(Array(bytes.dropLast(20)), to: cut))
        let input = try FileDescriptor.open(cut, .readOnly)
        let output = try FileDescriptor.open(dir.child("out"), .writeOnly, options: [.create], permissions: [.ownerReadWrite])
        defer { try? input.close(); try? output.close() }
        #expect(throws: CompressError.corrupt(path: cut, reason: "unexpected end of file")) {
            try GzipDecompressor().decompress(source: input, sourcePath: cut, destination: output, destinationPath: "out")
        }
    }

    @Test func concatenatedMembersDecompressToTheirConcatenation() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let a = CompressFixtures.logLines(size: 70_000, seed: 1), b = CompressFixtures.logLines(size: 90_000, seed: 2)
        try #require(TestFile.write(a, to: dir.child("a")))
        try #require(TestFile.write(b, to: dir.child("b")))
        try CompressTestIO.gzip(dir.child("a"), to: dir.child("a.gz"), with: GzipCompressor(jobs: 1))
        try CompressTestIO.gzip(dir.child("b"), to: dir.child("b.gz"), with: GzipCompressor(jobs: 2, blockSize: 32 * 1024))
        try #require(TestFile.write((TestFile.bytes(dir.child("a.gz")) ?? []) + (TestFile.bytes(dir.child("b.gz")) ?? []), to: dir.child("ab.gz")))
        let input = try FileDescriptor.open(dir.child("ab.gz"), .readOnly)
        let output = try FileDescriptor.open(dir.child("ab"), .writeOnly, options: [.create], permissions: [.ownerReadWrite])
        let stats = try GzipDecompressor().decompress(source: input, sourcePath: "ab.gz", destination: output, destinationPath: "ab")
        try input.close()
        try output.close()
        #expect(stats.bytesOut == Int64(a.count + b.count))
        #expect(same(TestFile.bytes(dir.child("ab")), a + b))
    }
}
