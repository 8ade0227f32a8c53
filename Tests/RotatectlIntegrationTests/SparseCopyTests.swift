#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

/// Copies keep holes (issue 18 §6): a sparse log rotated by `copy`, `copytruncate` or `renamecopy` gives
/// a copy as sparse as the log (about its `st_blocks`, far below its apparent size) that reads the same
/// byte for byte (`cmp`); a dense log still copies exactly.
@Suite struct SparseCopyTests {
    static let apparent: Int64 = 64 << 20

    /// The data extents: lines at the start, at 16 MiB, at 40 MiB + 123 and ending the file.
    static let extents: [(offset: Int64, text: String)] = {
        let tail = Harness.lines("d", 1...300)
        return [(0, Harness.lines("a", 1...400)), (16 << 20, Harness.lines("b", 1...100)),
                (40 << 20 + 123, Harness.lines("c", 1...2000)), (apparent - Int64(tail.utf8.count), tail)]
    }()

    /// A file of `apparent` bytes made with `ftruncate` and `pwrite`: `extents`, holes between; `extra`
    /// more lines after them, for a size that is not a whole number of blocks.
    static func makeSparse(_ path: String, extra: String = "") throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(ftruncate(fd, off_t(apparent)) == 0)
        for (offset, text) in extents + [(apparent, extra)] {
            let bytes = Array(text.utf8)
            try #require(bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) } == bytes.count)
        }
    }

    /// `st_blocks` and `st_size` of `path` (blocks of 512 bytes).
    static func allocation(_ path: String) -> (blocks: Int64, size: Int64) {
        var st = Glibc.stat()
        guard stat(path, &st) == 0 else { return (-1, -1) }
        return (Int64(st.st_blocks), Int64(st.st_size))
    }

    static func same(_ a: String, _ b: String) -> Bool { Harness.run(["/usr/bin/cmp", a, b]).status == 0 }

    /// A sparse `logs/app.log` and its reference `expected` (also sparse) in a fresh directory.
    static func sparseLog() throws -> TempDirectory {
        let t = TempDirectory()
        mkdir(t.child("logs"), 0o755)
        try makeSparse(t.child("logs/app.log"))
        try makeSparse(t.child("expected"))
        #expect(allocation(t.child("logs/app.log")).blocks < 1024, "the file system did not make a sparse file")
        return t
    }

    @Test(arguments: ["copy", "copytruncate", "renamecopy"])
    func aSparseLogsCopyIsAsSparse(mode: String) throws {
        let t = try Self.sparseLog()
        defer { t.remove() }
        let source = Self.allocation(t.child("logs/app.log"))
        let conf = t.config("@DIR@/logs/app.log {\n    \(mode)\n    rotate 2\n}\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        let copy = Self.allocation(t.child("logs/app.log.1"))
        #expect(copy.size == Self.apparent)
        #expect(copy.blocks <= source.blocks + 16, "copy has \(copy.blocks) blocks, the log \(source.blocks)")
        #expect(Self.same(t.child("logs/app.log.1"), t.child("expected")), "the copy differs from the log")
        switch mode {
        case "copy": #expect(Self.same(t.child("logs/app.log"), t.child("expected")))
        case "copytruncate": #expect(Self.allocation(t.child("logs/app.log")).size == 0)
        default: #expect(!t.exists("logs/app.log.tmp"))
        }
    }

    /// Compression reads the holes as zeros: the compressed copy decompresses to the log, byte for byte.
    @Test func aCompressedSparseCopyDecompressesToTheLog() throws {
        let t = try Self.sparseLog()
        defer { t.remove() }
        let conf = t.config("@DIR@/logs/app.log {\n    copytruncate\n    compress\n    rotate 2\n}\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(CompressedFile.passesGzipTest(t.child("logs/app.log.1.gz")))
        let check = Harness.run(["/bin/sh", "-c", "gzip -dc \"$0\" | cmp - \"$1\"", t.child("logs/app.log.1.gz"), t.child("expected")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// With a quiet writer holding it, the collapse path: the copy of the prefix keeps its holes, the
    /// prefix is cut, and the copy followed by the live file is the log. At 64 MiB exactly the last
    /// block stays (it begins in a hole, which is no sign of a writer without `O_APPEND`).
    @Test(arguments: ["", Harness.lines("e", 1...90)])
    func aHeldSparseLogIsCopiedSparseAndCollapsed(extra: String) throws {
        let (scratch, cleanup) = try #require(FileSystems.collapseCapable())
        defer { cleanup() }
        try Self.makeSparse(scratch.child("app.log"), extra: extra)
        try Self.makeSparse(scratch.child("expected"), extra: extra)
        let source = Self.allocation(scratch.child("app.log"))
        let holder = try CopyTruncateTests.heldByAppender(scratch, "app.log")
        defer { holder.kill(); holder.wait() }
        let dir = try scratch.handle()
        let result = try CopyTruncate.perform(source: dir, name: "app.log", destination: dir, as: "app.log.1", logger: nil)
        #expect(result.method == .collapse && result.warnings.isEmpty, "\(result)")
        #expect(extra.isEmpty ? result.bytesKept == 4096 : result.bytesKept < 4096, "\(result)")
        let copy = Self.allocation(scratch.child("app.log.1"))
        #expect(copy.size == result.bytesCopied && copy.blocks <= source.blocks + 16, "\(copy), the log \(source)")
        let check = Harness.run(["/bin/sh", "-c", "cat \"$0\" \"$1\" | cmp - \"$2\"",
                                 scratch.child("app.log.1"), scratch.child("app.log"), scratch.child("expected")])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// A dense log, not a whole number of blocks, copies exactly and takes about as many blocks.
    @Test(arguments: ["copy", "copytruncate"])
    func aDenseLogStillCopiesExactly(mode: String) throws {
        let t = TempDirectory()
        defer { t.remove() }
        let text = Harness.lines("dense", 1...200_000)   // about 2.5 MiB
        t.write("logs/app.log", text)
        t.write("expected", text)
        let conf = t.config("@DIR@/logs/app.log {\n    \(mode)\n    rotate 2\n}\n")
        let r = Harness.rotatectl(["run", "--force", "-s", t.child("state"), conf])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.same(t.child("logs/app.log.1"), t.child("expected")))
        let copy = Self.allocation(t.child("logs/app.log.1")), reference = Self.allocation(t.child("expected"))
        #expect(copy.size == reference.size && copy.blocks >= reference.blocks - 8)
    }
}
