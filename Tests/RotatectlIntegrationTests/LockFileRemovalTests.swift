#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// `rotatectl cleanup --remove` removes `.rotatectl.lock` under the lock. A run that was waiting on the
/// removed file then gets a lock on a file no one else can open any more, while a run started after
/// the removal creates a new lock file and locks that: two holders of one directory's lock. A run that
/// gets the lock checks that the name still names the file it locked, and locks again if not.
@Suite(.serialized) struct LockFileRemovalTests {
    @Test func aRunWaitingOnALockFileThatWasRemovedNeverHoldsTheDirectoryBesideAnother() throws {
        let t = TempDirectory("rotatectl-lockfile")
        defer { t.remove() }
        let d = t.child("d")
        mkdir(d, 0o755)
        let guarded = "mkdir \(d)/guard 2>/dev/null || touch \(t.child("overlap")); sleep 1; rmdir \(d)/guard"
        // The holder removes the lock file while it holds it, as cleanup --remove does.
        let holder = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", "--wait", "10", d, "--",
            "sh", "-c", "touch \(t.child("held")); while [ ! -e \(t.child("go")) ]; do sleep 0.02; done; rm \(d)/.rotatectl.lock"],
            removing: ["ROTATECTL_LOCKED_DIRS"]))
        try #require(eventually(timeout: 10) { access(t.child("held"), F_OK) == 0 })
        // This one opens the lock file now and waits on it.
        let waiter = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", "--wait", "20", d, "--", "sh", "-c", guarded],
                                                       removing: ["ROTATECTL_LOCKED_DIRS"]))
        sleepSeconds(0.5)
        LineAppender.append(t.child("go"), "")
        #expect(holder.wait() == 0)
        // Started after the removal: it makes a new lock file.
        let late = try #require(SpawnedProcess.start([PackagePaths.rotatectl, "lock", "--wait", "20", d, "--", "sh", "-c", guarded],
                                                     removing: ["ROTATECTL_LOCKED_DIRS"]))
        #expect(waiter.wait() == 0)
        #expect(late.wait() == 0)
        #expect(access(t.child("overlap"), F_OK) != 0, "two processes held the directory's lock at once")
    }
}
