import Foundation
import SystemPackage
import Testing
@testable import RotationEngine
import TestSupport

/// Needs bzip2 (apt-get install bzip2 on CI images that lack it).
@Suite struct ExternalCompressorTests {
    func run(_ compressor: ExternalCompressor, on data: [UInt8], in dir: TempDirectory) throws(CompressError) -> CompressStats {
        let source = dir.child("app.log"), out = dir.child("app.log.out")
        guard TestFile.write(data, to: source) else { throw .corrupt(path: source, reason: "cannot write the input") }
        guard let input = try? FileDescriptor.open(source, .readOnly),
              let output = try? FileDescriptor.open(out, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
        else { throw .corrupt(path: source, reason: "open") }
        defer { try? input.close(); try? output.close() }
        return try compressor.compress(source: input, sourcePath: source, destination: output, destinationPath: out)
    }

    @Test func bzip2RoundTrips() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        let data = CompressFixtures.logLines(size: 500_000)
        let stats = try run(ExternalCompressor(command: "/usr/bin/bzip2", options: ["-9"]), on: data, in: dir)
        #expect(stats.bytesIn == 500_000)
        let produced = try #require(TestFile.bytes(dir.child("app.log.out")))
        #expect(stats.bytesOut == Int64(produced.count))
        #expect(produced.prefix(3) == [0x42, 0x5a, 0x68])  // "BZh"
        let back = try ChildProcess.runCapturingOutput(["bzip2", "-dc", dir.child("app.log.out")])
        #expect(back.result.succeeded)
        #expect(same(Array(back.output.utf8), Array(data.prefix(64 * 1024))))
        #expect(back.truncated)
        #expect(try ChildProcess.run(["bzip2", "-t", dir.child("app.log.out")]).succeeded)
    }

    @Test func nonzeroExitIsACommandErrorWithStderr() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        #expect {
            _ = try run(ExternalCompressor(command: "/bin/sh", options: ["-c", "echo broken pipe dream >&2; exit 4"]),
                        on: [1, 2, 3], in: dir)
        } throws: { error in
            guard let e = error as? CompressError, case .command(let path, _, let result, let output) = e else { return false }
            return path == dir.child("app.log") && result.exitCode == 4 && output == "broken pipe dream\n"
                && e.description.hasSuffix("exited with status 4: broken pipe dream")
        }
    }

    @Test func missingCommandIsASpawnError() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        #expect {
            _ = try run(ExternalCompressor(command: "/nonexistent/xz"), on: [1], in: dir)
        } throws: { error in
            (error as? CompressError)?.systemError == SystemError("posix_spawn", path: "/nonexistent/xz", errno: .noSuchFileOrDirectory)
        }
    }

    @Test func timeoutKillsTheCommand() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        #expect {
            _ = try run(ExternalCompressor(command: "sleep", options: ["30"], timeout: 0.2), on: [1], in: dir)
        } throws: { error in
            guard let e = error as? CompressError, case .command(_, _, let result, _) = e else { return false }
            return result.timedOut && result.signal == SIGTERM
        }
    }
}
