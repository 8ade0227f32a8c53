#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct WriterNotifierTests {
    @Test func eachLivePidIsSignalledOnceAndTheRestSkipped() throws {
        let child = try #require(SpawnedProcess.start(["/bin/sleep", "30"]))
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("a.pid", "\(child.pid)\n")
        scratch.write("b.pid", "\(child.pid)\n")
        scratch.write("bad.pid", "one\n")
        let paths = [scratch.child("a.pid"), scratch.child("b.pid"), scratch.child("bad.pid"), scratch.child("none.pid")]
        let outcomes = WriterNotifier.notify(pidFiles: paths, signal: SIGTERM, logger: nil)
        #expect(outcomes.map(\.action) == [.signalled(child.pid), .alreadySignalled(child.pid), .skipped, .skipped])
        #expect(outcomes.map(\.result) == [.live(child.pid), .live(child.pid), .garbled("one"), .missing])
        #expect(child.wait() == 128 + SIGTERM)
    }

    @Test func stalePidIsNotSignalled() throws {
        let child = try #require(SpawnedProcess.start(["/bin/true"]))
        child.wait()
        let scratch = TempDirectory()
        defer { scratch.remove() }
        scratch.write("a.pid", "\(child.pid)\n")
        let outcomes = WriterNotifier.notify(pidFiles: [scratch.child("a.pid")], signal: SIGTERM, logger: nil)
        #expect(outcomes.map(\.action) == [.skipped])
    }
}
