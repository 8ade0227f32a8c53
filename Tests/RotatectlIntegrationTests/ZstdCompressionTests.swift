import Foundation
import Testing
import TestSupport

/// zstd in-process (issue 20, section 2) on the built binary: `compresscmd zstd` with the options the
/// built-in compressor honours, and `compressformat zstd`, make outputs that `zstd -t` passes and that
/// decompress to the exact input; options it cannot honour run the command instead.
@Suite struct ZstdCompressionTests {
    /// A tree of `count` logs of numbered lines (the last one `bigLines` long), and a `zstd` on
    /// `bin/` that records each call in `witness` before running the real one.
    static func tree(_ label: String, count: Int, bigLines: Int = 400) -> (TempDirectory, [String: String]) {
        let t = TempDirectory(label)
        var originals: [String: String] = [:]
        for i in 0..<count {
            let text = Harness.lines("log\(i) line", 1...(i == count - 1 ? bigLines : 300 + i))
            t.write("logs/l\(i).log", text)
            originals["logs/l\(i).log.1.zst"] = text
        }
        t.write("bin/zstd", "#!/bin/sh\necho \"$*\" >> \(t.child("witness"))\nexec /usr/bin/zstd \"$@\"\n", mode: 0o755)
        return (t, originals)
    }

    static func check(_ t: TempDirectory, _ originals: [String: String], _ context: String) {
        for (name, text) in originals.sorted(by: { $0.key < $1.key }) {
            #expect(CompressedFile.passesZstdTest(t.child(name)), "\(context): \(name) fails zstd -t")
            let back = CompressedFile.decompressed(t.child(name), with: "/usr/bin/zstd")
            #expect(back == Array(text.utf8), "\(context): \(name) is not its log")
            #expect(!t.exists(String(name.dropLast(4))), "\(context): \(name)'s source left")
        }
    }

    static func run(_ t: TempDirectory, _ conf: String, jobs: Int = 2) -> ProcessResult {
        Harness.rotatectl(["run", "--force", "--json", "-j", String(jobs), "-s", t.child("state"), conf])
    }

    /// Options it honours: compressed in-process (the command is never run), one file or many (a group
    /// committed with syncfs), small files side by side and a large one on libzstd's threads.
    @Test(arguments: [(1, "-3"), (3, "-19 -q"), (20, "-1 -T2 --long"), (2, "--fast=3 --no-check"), (1, "--ultra -20 -T0")])
    func honouredOptionsAreDoneInProcess(count: Int, options: String) {
        let (t, originals) = Self.tree("rotatectl-zstd-in", count: count, bigLines: count == 20 ? 30_000 : 600_000)
        defer { t.remove() }
        let conf = t.config("@DIR@/logs/*.log {\n rotate 2\n compress\n compresscmd @DIR@/bin/zstd\n compressoptions \(options)\n compressext .zst\n}\n")
        let r = Self.run(t, conf)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Harness.codes(r).isEmpty, "\(r.stdout)")
        #expect(!t.exists("witness"), "the command ran: \(t.read("witness") ?? "")")
        Self.check(t, originals, options)
    }

    /// Options it cannot honour: the command runs, as logrotate runs it, and its output is the same.
    @Test(arguments: ["--rsyncable", "-3 --format=zstd", "-B1048576"])
    func otherOptionsRunTheCommand(options: String) {
        let (t, originals) = Self.tree("rotatectl-zstd-ext", count: 2)
        defer { t.remove() }
        let conf = t.config("@DIR@/logs/*.log {\n rotate 2\n compress\n compresscmd @DIR@/bin/zstd\n compressoptions \(options)\n compressext .zst\n}\n")
        let r = Self.run(t, conf)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(t.read("witness") == String(repeating: options + "\n", count: 2), "\(t.read("witness") ?? "not run")")
        Self.check(t, originals, options)
    }

    /// `compressformat zstd 19` alone: the extension, the level and the in-process compressor; the same
    /// bytes as `zstd -19` makes of the log (within 1%, which has the content size in its header).
    @Test func compressformatZstdWithALevel() {
        let (t, originals) = Self.tree("rotatectl-zstd-format", count: 1, bigLines: 50_000)
        defer { t.remove() }
        let conf = t.config("@DIR@/logs/*.log {\n rotate 2\n compress\n compressformat zstd 19\n}\n")
        let check = Harness.rotatectl(["check", conf])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        let plain = t.write("plain", originals["logs/l0.log.1.zst"] ?? "")
        let r = Self.run(t, conf)
        #expect(r.status == 0, "\(r.stderr)")
        Self.check(t, originals, "compressformat zstd 19")
        let ours = (try? FileManager.default.attributesOfItem(atPath: t.child("logs/l0.log.1.zst"))[.size] as? Int) ?? 0
        let cli = SpawnedProcess.captureBytes(["/usr/bin/zstd", "-19", "-c", plain]).stdout.count
        #expect(ours > 0 && abs(Double(ours - cli)) <= 0.01 * Double(cli), "ours \(ours), zstd -19 \(cli)")
    }

    /// `check` refuses a format it does not know, and a level out of range, naming the line.
    @Test(arguments: ["compressformat lzma9", "compressformat zstd 23", "compressformat gzip 0"])
    func checkRejectsUnknownFormats(_ line: String) {
        let t = TempDirectory("rotatectl-zstd-check")
        defer { t.remove() }
        let conf = t.config("@DIR@/app.log {\n compress\n \(line)\n}\n")
        let r = Harness.rotatectl(["check", conf])
        #expect(r.status != 0, "\(line): \(r.stdout)")
        #expect(r.stderr.contains(":3:"), "\(line): \(r.stderr)")
    }

    /// `uncompresscmd unzstd` for mail is done in-process: even an `unzstd` that does not exist works.
    @Test func mailUncompressesZstdInProcess() {
        let t = TempDirectory("rotatectl-zstd-mail")
        defer { t.remove() }
        t.write("app.log", "now\n")
        t.write("app.log.1", "one\n")
        #expect(Harness.run(["/usr/bin/zstd", "-q", "--rm", t.child("app.log.1")]).status == 0)
        let mail = t.write("mail.sh", "#!/bin/sh\ncat >> \(t.child("mailed"))\n", mode: 0o755)
        let conf = t.config("@DIR@/app.log {\n rotate 1\n compress\n compressformat zstd\n uncompresscmd /nonexistent/unzstd\n mail ops@example.org\n}\n")
        let r = Harness.rotatectl(["run", "--force", "--json", "-m", mail, "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(t.read("mailed") == "one\n")
        #expect(!t.exists("app.log.2.zst"))
        #expect(Harness.contents(t.child("app.log.1.zst")) == "now\n")
    }
}
