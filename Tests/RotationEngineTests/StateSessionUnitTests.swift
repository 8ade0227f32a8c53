import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `PendingMarks`, the side file's bytes: every name survives, a torn append loses only itself.
@Suite struct PendingMarksTests {
    @Test func roundTripHostileNames() {
        let marks = HostileNames.all.enumerated().map { StateMark(path: $0.element, time: 1_700_000_000 + Int64($0.offset)) }
        let bytes = PendingMarks.encode(marks)
        let decoded = PendingMarks.decode(bytes[...])
        #expect(decoded.marks == marks.filter { !$0.path.isEmpty })
        #expect(decoded.consumed == bytes.count)
        #expect(decoded.damagedLines == 0)
    }

    /// Every cut of two appends: the complete lines before the cut are read, a partial line is left for
    /// later, and the next append after a torn one is read whole.
    @Test func tornAppendLosesOnlyItself() {
        let first = PendingMarks.encode([StateMark(path: "/l/a", time: 10), StateMark(path: "/l/b", time: 11)])
        let second = PendingMarks.encode([StateMark(path: "/l/c", time: 12)])
        for cut in 0...first.count {
            let torn = Array(first[0..<cut])
            let partial = PendingMarks.decode(torn[...])
            #expect(partial.consumed <= cut)
            let whole = [StateMark(path: "/l/a", time: 10), StateMark(path: "/l/b", time: 11)]
            #expect(Array(whole.prefix(partial.marks.count)) == partial.marks && partial.damagedLines == 0, "cut \(cut)")
            let joined = torn + second
            let decoded = PendingMarks.decode(joined[...])
            #expect(decoded.marks.last == StateMark(path: "/l/c", time: 12), "cut \(cut)")
            #expect(decoded.consumed == joined.count)
        }
    }

    @Test func laterLinesWinInOrder() {
        let bytes = PendingMarks.encode([StateMark(path: "/a", time: 5)]) + PendingMarks.encode([StateMark(path: "/a", time: 3)])
        #expect(PendingMarks.decode(bytes[...]).marks.map(\.time) == [5, 3])
    }
}

/// `StateSession` on a real directory: what one run records, another run sees, and the one write merges.
@Suite struct StateSessionStoreTests {
    /// Times within the year `StateRetention` keeps entries of missing logs.
    static let t = Int64(Date().timeIntervalSince1970) - 86_400

    @Test func recordedMarksSurviveWithoutAWrite() throws {
        let t = Self.t
        let dir = TempDirectory("rotatectl-session")
        let path = dir.child("state")
        try StateStore.save(["/old": t + 1], path: path)
        let run = StateSession(path: path)
        try run.record(marks: [StateMark(path: "/a", time: t + 100)], newLogs: [:], hour: 0)
        // Killed here: the state file is as it was, the side file has the rotation, and a reader sees it.
        #expect(try StateStore.loadDocument(path: path).entries == ["/old": t + 1])
        #expect(StateStore.load(path: path).entries == ["/old": t + 1, "/a": t + 100])
        let next = StateSession(path: path)
        #expect(next.entries() == ["/old": t + 1, "/a": t + 100])
        try next.flush()
        #expect(StateStore.load(path: path).entries == ["/old": t + 1, "/a": t + 100])
        #expect(!dir.exists("state.pending"))
    }

    @Test func oneWriteMergesTwoRuns() throws {
        let dir = TempDirectory("rotatectl-session")
        let path = dir.child("state")
        let t = Self.t
        let a = StateSession(path: path), b = StateSession(path: path)
        try a.record(marks: [StateMark(path: "/a", time: t + 100)], newLogs: ["/new": 0], hour: t + 50)
        try b.record(marks: [StateMark(path: "/b", time: t + 200)], newLogs: ["/new": 0, "/b": 0], hour: t + 60)
        // b sees a's rotation through the side file's tail, without a write of the whole file.
        #expect(b.entries()["/a"] == t + 100)
        try a.flush()
        #expect(a.writes == 1)
        // a's write folded b's rotation in; b notices the new file and reads it again.
        #expect(b.entries() == ["/a": t + 100, "/b": t + 200, "/new": t + 50])
        try b.flush()
        #expect(StateStore.load(path: path).entries == ["/a": t + 100, "/b": t + 200, "/new": t + 50])
        #expect(!dir.exists("state.pending"))
    }

    @Test func nothingRecordedWritesNothing() throws {
        let dir = TempDirectory("rotatectl-session")
        let path = dir.child("state")
        let run = StateSession(path: path)
        try run.flush()
        #expect(run.writes == 0)
        #expect(!dir.exists("state"))
    }

    @Test func proofWritesNothingLasting() throws {
        let dir = TempDirectory("rotatectl-session")
        let path = dir.child("sub/state")
        let run = StateSession(path: path)
        run.expectGrowth(10_000)
        #expect((try? run.proveWritable().get()) != nil)
        #expect(dir.names(recursive: true) == ["sub"])
    }

    @Test func discardedStateKeepsNothing() throws {
        let run = StateSession(path: "/dev/null")
        try run.record(marks: [StateMark(path: "/a", time: 1)], newLogs: [:], hour: 0)
        try run.flush()
        #expect((try? run.proveWritable().get()) != nil)
    }
}
