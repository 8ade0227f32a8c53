import CZlib
import Foundation
import SystemPackage
@testable import RotationEngine
import TestSupport

/// Deterministic test data.
enum CompressFixtures {
    /// Access-log and syslog style lines from a fixed-seed generator, cut to exactly `size` bytes.
    static func logLines(size: Int, seed: UInt64 = 42) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        func next() -> UInt64 { random.next() }
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
}

/// zlib on buffers in memory, raw deflate (no wrapper), for comparing with and checking the engine.
enum RawZlib {
    /// One call of `step` (deflate or inflate) on `z` over all of `input`, with room for `capacity`
    /// bytes of output: what it wrote and what it returned.
    static func run(_ z: inout z_stream, input: [UInt8], capacity: Int,
                    _ step: (inout z_stream) -> Int32) -> (output: [UInt8], rc: Int32) {
        var input = input
        var output = [UInt8](repeating: 0, count: capacity)
        let rc = input.withUnsafeMutableBufferPointer { i in
            output.withUnsafeMutableBufferPointer { o in
                z.next_in = i.baseAddress
                z.avail_in = uInt(i.count)
                z.next_out = o.baseAddress
                z.avail_out = uInt(o.count)
                return step(&z)
            }
        }
        return (Array(output.prefix(capacity - Int(z.avail_out))), rc)
    }

    /// `data` deflated by zlib at `level` and ended with Z_FINISH.
    static func deflated(_ data: [UInt8], level: Int32) -> [UInt8]? {
        var z = z_stream()
        guard rotatectl_deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK else { return nil }
        defer { deflateEnd(&z) }
        let capacity = Int(deflateBound(&z, uLong(data.count)))
        let result = run(&z, input: data, capacity: capacity) { deflate(&$0, Z_FINISH) }
        return result.rc == Z_STREAM_END ? result.output : nil
    }

    /// Raw deflate `bytes` inflated with Z_SYNC_FLUSH into room for `count + 1` bytes: what came out, and
    /// whether a final block ended the stream; nil on a zlib error.
    static func inflated(_ bytes: [UInt8], expecting count: Int) -> (output: [UInt8], ended: Bool)? {
        var z = z_stream()
        guard rotatectl_inflateInit2(&z, -15) == Z_OK else { return nil }
        defer { inflateEnd(&z) }
        let result = run(&z, input: bytes, capacity: count + 1) { inflate(&$0, Z_SYNC_FLUSH) }
        guard [Z_OK, Z_STREAM_END, Z_BUF_ERROR].contains(result.rc) else { return nil }
        return (result.output, result.rc == Z_STREAM_END)
    }
}

/// Running a compressor of the engine on files.
enum CompressTestIO {
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
}

/// Byte equality without Swift Testing diffing megabytes on failure.
func same(_ a: [UInt8]?, _ b: [UInt8]) -> Bool { a == b }
