#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

/// copytruncate of a log whose size is a whole number of blocks, ending with a newline, while a writer
/// holds it (issue 18 §6): collapse cannot take the last block (the range may not reach the end), so
/// it waits briefly for the writer to append past it. Invariant: every line exactly once across the
/// copy and the live log; when the writer appends, no line split and less than one block left behind.
@Suite(.serialized) struct CopyTruncateBoundaryTests {
    static let block = 4096

    /// `blocks` blocks of 100-byte lines `old N xxx…` (the last one takes the rest): a newline ends the
    /// file, and no other block boundary falls at a line's end.
    static func alignedLog(blocks: Int) -> [UInt8] {
        var text: [UInt8] = []
        var n = 0
        while text.count < blocks * block {
            n += 1
            let room = blocks * block - text.count
            let head = Array("old \(n) ".utf8)
            let length = room >= 200 ? 100 : room
            text += head + [UInt8](repeating: 0x78, count: length - head.count - 1) + [0x0A]
        }
        return text
    }

    /// The lines `new 1` ... `new COUNT`, each with its newline.
    static func newLines(_ count: Int) -> [UInt8] {
        Array((1...count).map { "new \($0)\n" }.joined().utf8)
    }

    /// A shell holding `app.log` open with `O_APPEND` that, once `app.log.1` (the copy) exists, appends
    /// `lines` lines, pausing every 50; with `thenClose`, it closes the log instead and appends nothing.
    static func writerAfterTheCopyStarts(_ scratch: TempDirectory, lines: Int, thenClose: Bool = false) throws -> SpawnedProcess {
        let body = thenClose ? "exec 3>&-; sleep 1"
            : "i=1; while [ $i -le \(lines) ]; do echo \"new $i\" >&3; [ $((i % 50)) -eq 0 ] && sleep 0.01; i=$((i+1)); done"
        let script = "exec 3>>\"$0\"; while [ ! -e \"$1\" ]; do sleep 0.005; done; \(body); exit 0"
        let writer = try #require(SpawnedProcess.start(["/bin/sh", "-c", script, scratch.child("app.log"), scratch.child("app.log.1")]))
        #expect(eventually { ProcFS.fdFlags(pid: writer.pid, fd: 3) != nil })
        return writer
    }

    /// `bytes` written to `app.log`, unheld (see `CopyTruncateTests.writeUnheld`).
    static func writeUnheld(_ scratch: TempDirectory, _ bytes: [UInt8]) {
        scratch.write("app.log", bytes)
        if let st = scratch.status("app.log") {
            #expect(OpenWriters.waitUntilClosed(device: st.device, inode: st.inode, timeout: 10))
        }
    }

    /// A block-aligned log of `blocks` blocks, unheld.
    static func writeAligned(_ scratch: TempDirectory, blocks: Int) -> [UInt8] {
        let old = alignedLog(blocks: blocks)
        writeUnheld(scratch, old)
        return old
    }

    @Test(arguments: [1, 2, 5])
    func aBlockAlignedLogWhoseWriterAppendsLeavesNoWholeBlock(blocks: Int) throws {
        let (scratch, cleanup) = try #require(FileSystems.collapseCapable())
        defer { cleanup() }
        let old = Self.writeAligned(scratch, blocks: blocks)
        #expect(old.count == blocks * Self.block && old.last == 0x0A)
        let writer = try Self.writerAfterTheCopyStarts(scratch, lines: 300)
        let dir = try scratch.handle()
        let result = try CopyTruncate.perform(source: dir, name: "app.log", destination: dir, as: "app.log.1", logger: nil)
        #expect(writer.wait() == 0)
        let copy = scratch.bytes("app.log.1") ?? [], live = scratch.bytes("app.log") ?? []
        #expect(result.method == .collapse, "\(result)")
        #expect(result.bytesCopied == Int64(old.count) && !result.endsMidLine)
        #expect(result.bytesKept < Int64(Self.block), "the live file kept \(result.bytesKept) bytes")
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        #expect(copy == old, "the copy is the whole log as it was, its last line whole")
        #expect(live == Self.newLines(300), "the live file holds exactly what the writer appended")
    }

    /// A quiet writer appends nothing within the wait: the last block stays in the live file (truncating
    /// it could lose a line appended meanwhile), and nothing is lost or doubled.
    @Test func aBlockAlignedLogWhoseWriterIsQuietKeepsItsLastBlock() throws {
        let (scratch, cleanup) = try #require(FileSystems.collapseCapable())
        defer { cleanup() }
        let old = Self.writeAligned(scratch, blocks: 3)
        let holder = try CopyTruncateTests.heldByAppender(scratch, "app.log")
        defer { holder.kill(); holder.wait() }
        let dir = try scratch.handle()
        let started = monotonicNow()
        let result = try CopyTruncate.perform(source: dir, name: "app.log", destination: dir, as: "app.log.1", logger: nil)
        #expect(monotonicNow() - started >= CopyTruncate.alignedWait, "it did not wait for an append")
        #expect(result.method == .collapse && result.bytesCopied == Int64(2 * Self.block))
        #expect(result.bytesKept == Int64(Self.block))
        #expect((scratch.bytes("app.log.1") ?? []) + (scratch.bytes("app.log") ?? []) == old)
    }

    /// A writer that lets go of the log while copytruncate waits (as one opening it per line does): the
    /// write lease is taken and the log is copied whole and emptied.
    @Test func aBlockAlignedLogLetGoMeanwhileIsTakenWhole() throws {
        let (scratch, cleanup) = try #require(FileSystems.collapseCapable())
        defer { cleanup() }
        let old = Self.writeAligned(scratch, blocks: 2)
        let writer = try Self.writerAfterTheCopyStarts(scratch, lines: 0, thenClose: true)
        defer { writer.kill(); writer.wait() }
        let dir = try scratch.handle()
        let result = try CopyTruncate.perform(source: dir, name: "app.log", destination: dir, as: "app.log.1", logger: nil)
        #expect(result.method == .whole && result.bytesCopied == Int64(old.count) && !result.endsMidLine, "\(result)")
        #expect(scratch.bytes("app.log.1") == old)
        #expect((scratch.bytes("app.log") ?? []).isEmpty)
    }

    /// Generated cases: logs of 1 to 6 blocks of lines of random lengths (the last one fitted to the
    /// boundary), writers appending 1 to 400 lines. Whatever the case, the copy is the log as it was and
    /// the live file exactly what was appended: each line once, none split, less than a block left.
    @Test func generatedBlockAlignedLogsLoseSplitAndDoubleNothing() throws {
        let (scratch, cleanup) = try #require(FileSystems.collapseCapable())
        defer { cleanup() }
        var random = SeededRandom(seed: 18_6)
        let dir = try scratch.handle()
        for round in 1...6 {
            let size = (1 + Int(random.next() % 6)) * Self.block
            var old: [UInt8] = []
            while old.count < size {
                let room = size - old.count
                let head = Array("r\(round) \(old.count) ".utf8)
                let length = room < head.count + 300 ? room : head.count + 1 + Int(random.next() % 200)
                old += head + [UInt8](repeating: 0x2E, count: length - head.count - 1) + [0x0A]
            }
            Self.writeUnheld(scratch, old)
            let lines = 1 + Int(random.next() % 400)
            let writer = try Self.writerAfterTheCopyStarts(scratch, lines: lines)
            let result = try CopyTruncate.perform(source: dir, name: "app.log", destination: dir, as: "app.log.1", logger: nil)
            #expect(writer.wait() == 0)
            #expect(result.method == .collapse && result.bytesKept < Int64(Self.block), "round \(round): \(result)")
            #expect(scratch.bytes("app.log.1") == old, "round \(round): the copy differs from the log")
            #expect(scratch.bytes("app.log") == Self.newLines(lines), "round \(round): the live file differs from what was appended")
            try dir.remove("app.log.1")
            try dir.remove("app.log")
        }
    }
}
