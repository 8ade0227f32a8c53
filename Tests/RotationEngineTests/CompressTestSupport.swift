import Foundation
import SystemPackage
@testable import RotationEngine

/// A unique temporary directory (mkdtemp), removed by `remove()`.
struct CompressTempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/rotatectl-compress-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        guard let made else { throw SystemError("mkdtemp", path: "/tmp", errno: Errno(rawValue: errno)) }
        path = made
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Deterministic test data.
enum CompressFixtures {
    /// Access-log and syslog style lines from a fixed-seed generator, cut to exactly `size` bytes.
    static func logLines(size: Int, seed: UInt64 = 42) -> [UInt8] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let paths = ["/", "/index.html", "/api/v1/users", "/static/app.js", "/login", "/api/v1/orders?id=",
                     "/images/logo.png", "/health"]
        let agents = ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64)", "Go-http-client/1.1", "python-requests/2.31"]
        let daemons = ["sshd", "cron", "kernel", "systemd", "nginx"]
        var out: [UInt8] = []
        out.reserveCapacity(size + 256)
        var t = 1_700_000_000
        while out.count < size {
            t += Int(next() % 3)
            let line: String
            if next() % 4 == 0 {
                let d = daemons[Int(next() % UInt64(daemons.count))]
                line = "Nov 14 \(t % 24):\(t % 60):\(t % 59) host \(d)[\(next() % 30000)]: session \(next()) opened for user u\(next() % 100)\n"
            } else {
                let ip = "10.\(next() % 256).\(next() % 256).\(next() % 256)"
                let p = paths[Int(next() % UInt64(paths.count))]
                let a = agents[Int(next() % UInt64(agents.count))]
                line = "\(ip) - - [14/Nov/2023:\(t % 24):\(t % 60):\(t % 60) +0000] \"GET \(p)\(next() % 1000) HTTP/1.1\" \([200, 200, 304, 404, 500][Int(next() % 5)]) \(next() % 50000) \"-\" \"\(a)\"\n"
            }
            out += line.utf8
        }
        return Array(out.prefix(size))
    }

    /// Incompressible bytes (xorshift), for filling a small file system.
    static func noise(size: Int, seed: UInt64 = 7) -> [UInt8] {
        var x = seed | 1
        var out = [UInt8](repeating: 0, count: size)
        for i in 0..<size {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out[i] = UInt8(truncatingIfNeeded: x)
        }
        return out
    }
}

enum CompressTestIO {
    static func write(_ bytes: [UInt8], to path: String, modified: Int64? = nil) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let modified {
            var times = [timespec(tv_sec: Int(modified), tv_nsec: 0), timespec(tv_sec: Int(modified), tv_nsec: 0)]
            guard utimensat(AT_FDCWD, path, &times, 0) == 0 else {
                throw SystemError("utimensat", path: path, errno: Errno(rawValue: errno))
            }
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Compresses `source` into `destination` with `compressor`, opening and closing the files.
    @discardableResult
    static func gzip(_ source: String, to destination: String, with compressor: GzipCompressor,
                     modified: Int64 = 0) throws(CompressError) -> CompressStats {
        let input: FileDescriptor
        let output: FileDescriptor
        do {
            input = try FileDescriptor.open(source, .readOnly)
        } catch {
            throw .system(SystemError("open", path: source, errno: error as? Errno ?? .ioError))
        }
        defer { try? input.close() }
        do {
            output = try FileDescriptor.open(destination, .writeOnly, options: [.create, .truncate],
                                             permissions: [.ownerReadWrite])
        } catch {
            throw .system(SystemError("open", path: destination, errno: error as? Errno ?? .ioError))
        }
        defer { try? output.close() }
        return try compressor.compress(source: input, sourcePath: source, destination: output,
                                       destinationPath: destination, modificationTime: modified)
    }

    /// `gzip -t FILE` succeeds.
    static func gzipTestPasses(_ path: String) throws -> Bool {
        let devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(devnull) }
        return try ChildProcess.run(["gzip", "-t", path], stderr: devnull).succeeded
    }

    /// What `zcat FILE` writes.
    static func zcat(_ path: String) throws -> [UInt8] {
        let out = path + ".zcat"
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError("open", path: out, errno: Errno(rawValue: errno)) }
        let result = try ChildProcess.run(["zcat", path], stdout: fd)
        close(fd)
        defer { unlink(out) }
        guard result.succeeded else { throw SystemError("zcat", path: path, errno: .ioError) }
        return try read(out)
    }
}

/// Byte equality without Swift Testing diffing megabytes on failure.
func same(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }
