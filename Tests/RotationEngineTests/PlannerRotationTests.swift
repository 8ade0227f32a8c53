import Testing
@testable import RotationEngine

/// The steps and names of one rotation: numbered chain, dateext, olddir, compression, retention.
@Suite struct PlannerRotationTests {
    typealias W = PlannerWorld
    let log = "/var/log/app.log"

    /// A forced world holding `app.log` and the given generations (name → age in seconds).
    func world(_ generations: [String: Int64] = [:], now: Int64 = W.at(2026, 12, 1, 10), dir: String = "/var/log") -> W {
        var w = W(now: now)
        w.force = true
        w.file(log, size: 10, mode: 0o640, uid: 7, gid: 8)
        for (name, age) in generations.sorted(by: { $0.key < $1.key }) { w.file(dir + "/" + name, age: age) }
        return w
    }

    func names(_ list: String...) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: list.map { ($0, 0) })
    }

    // MARK: numbered chain

    @Test func chainShiftsFromTheOldest() {
        let p = world(names("app.log.1", "app.log.2")).plan(logSet { $0.rotate = 3 })
        #expect(p.renames == ["/var/log/app.log.2 -> /var/log/app.log.3", "/var/log/app.log.1 -> /var/log/app.log.2",
                              "/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.removed.isEmpty)
        #expect(p.rotation?.rotatedPath == "/var/log/app.log.1")
    }

    @Test func theGenerationShiftedPastTheCountIsRemovedAtTheEnd() {
        let p = world(names("app.log.1", "app.log.2", "app.log.3")).plan(logSet { $0.rotate = 3 })
        #expect(p.renames.first == "/var/log/app.log.3 -> /var/log/app.log.4")
        #expect(p.rotation?.finishSteps.contains { if case .remove(let path, _, _) = $0 { path == "/var/log/app.log.4" } else { false } } == true)
        #expect(p.rotation?.removals == ["/var/log/app.log.4"])
    }

    @Test func aLoweredRotateCountRemovesEveryExtraGeneration() {
        let p = world(names("app.log.1", "app.log.2", "app.log.3", "app.log.4", "app.log.9")).plan(logSet { $0.rotate = 2 })
        // Every generation shifts (so no rename meets an occupied name); the extra ones go at the end.
        #expect(p.rotation?.removals == ["/var/log/app.log.3", "/var/log/app.log.4", "/var/log/app.log.5", "/var/log/app.log.10"])
        #expect(p.renames == ["/var/log/app.log.9 -> /var/log/app.log.10", "/var/log/app.log.4 -> /var/log/app.log.5",
                              "/var/log/app.log.3 -> /var/log/app.log.4", "/var/log/app.log.2 -> /var/log/app.log.3",
                              "/var/log/app.log.1 -> /var/log/app.log.2", "/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.rotation?.rotateSteps.allSatisfy { if case .remove = $0 { false } else { true } } == true)
    }

    @Test func rotateZeroRotatesThenRemoves() {
        let p = world().plan(logSet { $0.rotate = 0 })
        #expect(p.renames == ["/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.rotation?.finishSteps == [.remove(path: "/var/log/app.log.1", inode: 0, reason: "rotate 0 keeps no old logs")])
    }

    @Test func rotateMinusOneKeepsEveryGeneration() {
        let p = world(names("app.log.1", "app.log.2", "app.log.7")).plan(logSet { $0.rotate = -1 })
        #expect(p.removed.isEmpty)
        #expect(p.renames == ["/var/log/app.log.7 -> /var/log/app.log.8", "/var/log/app.log.2 -> /var/log/app.log.3",
                              "/var/log/app.log.1 -> /var/log/app.log.2", "/var/log/app.log -> /var/log/app.log.1"])
    }

    @Test func startChangesTheFirstNumber() {
        let p = world(names("app.log.0")).plan(logSet { $0.rotate = 2; $0.start = 0 })
        #expect(p.renames == ["/var/log/app.log.0 -> /var/log/app.log.1", "/var/log/app.log -> /var/log/app.log.0"])
        let five = world(names("app.log.5", "app.log.6")).plan(logSet { $0.rotate = 2; $0.start = 5 })
        #expect(five.rotation?.rotatedPath == "/var/log/app.log.5")
        #expect(five.rotation?.removals == ["/var/log/app.log.7"])
    }

    @Test func extensionStaysLast() {
        let p = world(names("app.1.log")).plan(logSet { $0.rotate = 2; $0.extension_ = ".log" })
        #expect(p.renames == ["/var/log/app.1.log -> /var/log/app.2.log", "/var/log/app.log -> /var/log/app.1.log"])
    }

    @Test func extensionThatDoesNotMatchIsIgnored() {
        let p = world().plan(logSet { $0.rotate = 2; $0.extension_ = ".txt" })
        #expect(p.rotation?.rotatedPath == "/var/log/app.log.1")
    }

    @Test func addextensionAddsOrKeepsTheExtension() {
        var w = world()
        w.file("/var/log/plain")
        let p = w.plan(logSet(["/var/log/app.log", "/var/log/plain"]) { $0.rotate = 2; $0.addExtension = ".log" })
        #expect(p.units.map { $0.logs[0].rotatedPath } == ["/var/log/app.1.log", "/var/log/plain.1.log"])
    }

    @Test func notNumberedNamesAreLeftAlone() {
        let p = world(names("app.log.old", "app.log.1x", "app.log.-1")).plan(logSet { $0.rotate = 1 })
        #expect(p.removed.isEmpty)
        #expect(p.renames == ["/var/log/app.log -> /var/log/app.log.1"])
    }

    // MARK: create, copy, copytruncate

    @Test func createCopiesModeAndOwnerUnlessGiven() {
        let p = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec() })
        #expect(p.rotation?.rotateSteps.last == .create(path: log, mode: 0o640, uid: 7, gid: 8))
        let given = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec(mode: 0o600, uid: 1, gid: 2) })
        #expect(given.rotation?.rotateSteps.last == .create(path: log, mode: 0o600, uid: 1, gid: 2))
    }

    @Test func createUnderSuBelongsToTheSuUser() {
        let p = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec(mode: 0o600); $0.su = (uid: 65534, gid: 65533) })
        #expect(p.rotation?.rotateSteps.last == .create(path: log, mode: 0o600, uid: 65534, gid: 65533))
        let owned = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec(uid: 5, gid: 6); $0.su = (uid: 65534, gid: 65533) })
        #expect(owned.rotation?.rotateSteps.last == .create(path: log, mode: 0o640, uid: 5, gid: 6))
    }

    /// ceph-common's and onedrive's Debian configs (`su root ceph`, `create` without owner): logrotate, still
    /// root, gives the new log the old one's owner, not the su group.
    @Test func createUnderSuRootKeepsTheOriginalOwner() {
        let p = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec(); $0.su = (uid: 0, gid: 64045) })
        #expect(p.rotation?.rotateSteps.last == .create(path: log, mode: 0o640, uid: 7, gid: 8))
        let given = world().plan(logSet { $0.rotate = 1; $0.create = CreateSpec(uid: 1, gid: 2); $0.su = (uid: 0, gid: 64045) })
        #expect(given.rotation?.rotateSteps.last == .create(path: log, mode: 0o640, uid: 1, gid: 2))
    }

    @Test func nocreateCreatesNothing() {
        let p = world().plan(logSet { $0.rotate = 1; $0.create = nil })
        #expect(!(p.rotation?.rotateSteps.contains { if case .create = $0 { true } else { false } } ?? true))
    }

    @Test func copyAndCopytruncateLeaveTheLogInPlace() {
        let copy = world().plan(logSet { $0.rotate = 1; $0.mode = .copy; $0.create = CreateSpec() })
        #expect(copy.rotation?.rotateSteps == [.copy(from: log, to: "/var/log/app.log.1")])
        let truncate = world().plan(logSet { $0.rotate = 1; $0.mode = .copyTruncate; $0.create = CreateSpec() })
        #expect(truncate.rotation?.rotateSteps == [.copyTruncate(from: log, to: "/var/log/app.log.1")])
    }

    @Test func renamecopyRenamesToTmpAndCopiesAfterPostrotate() {
        var w = world()
        w.directory("/mnt/archive")
        let p = w.plan(logSet { $0.rotate = 2; $0.mode = .renameCopy; $0.oldDir = "/mnt/archive"; $0.compress = true; $0.create = CreateSpec() })
        var inode: UInt64 = 0
        if case .rename(_, _, let i)? = p.rotation?.rotateSteps.first { inode = i }
        #expect(p.rotation?.rotateSteps == [.rename(from: log, to: "/var/log/app.log.tmp", inode: inode),
                                             .create(path: log, mode: 0o640, uid: 7, gid: 8)])
        #expect(p.rotation?.finishSteps == [
            .copy(from: "/var/log/app.log.tmp", to: "/mnt/archive/app.log.1"),
            .remove(path: "/var/log/app.log.tmp", inode: inode, reason: "renamecopy: copied to /mnt/archive/app.log.1"),
            .compress(source: "/mnt/archive/app.log.1", destination: "/mnt/archive/app.log.1.gz"),
        ])
        #expect(p.rotation?.rotatedPath == "/mnt/archive/app.log.1")
    }

    @Test func renamecopyRefusesAnExistingTemporary() {
        var w = world()
        w.file("/var/log/app.log.tmp")
        let p = w.plan(logSet { $0.rotate = 2; $0.mode = .renameCopy })
        #expect(p.units.isEmpty)
        #expect(p.errors.first?.contains("app.log.tmp") == true)
    }

    // MARK: compression

    @Test func compressAfterRotationAndShiftCompressedNames() {
        let p = world(names("app.log.1.gz")).plan(logSet { $0.rotate = 3; $0.compress = true })
        #expect(p.renames == ["/var/log/app.log.1.gz -> /var/log/app.log.2.gz", "/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.rotation?.finishSteps.first == .compress(source: "/var/log/app.log.1", destination: "/var/log/app.log.1.gz"))
    }

    @Test func delaycompressShiftsThePreviousGenerationThenCompressesIt() {
        let p = world(names("app.log.1")).plan(logSet { $0.rotate = 3; $0.compress = true; $0.delayCompress = true })
        // Same tree as logrotate (app.log.1 plain, app.log.2.gz), but the compressed output is never
        // renamed in the run that made it: a replayed journal can tell every step done or not.
        #expect(p.renames == ["/var/log/app.log.1 -> /var/log/app.log.2", "/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.compressed == ["/var/log/app.log.2 -> /var/log/app.log.2.gz"])
        #expect(!(p.rotation?.rotateSteps.contains { if case .compress = $0 { true } else { false } } ?? true))
    }

    @Test func uncompressedLeftoversAreShiftedThenCompressed() {
        let p = world(names("app.log.2")).plan(logSet { $0.rotate = 3; $0.compress = true })
        #expect(p.renames.first == "/var/log/app.log.2 -> /var/log/app.log.3")
        #expect(p.compressed.contains("/var/log/app.log.3 -> /var/log/app.log.3.gz"))
    }

    /// Issue 18 §5: `log.1` beside `log.1.gz` no longer stops the log for good. As logrotate, the
    /// compressed one goes to `NAME-YYYYMMDDHH.backup` (kept, never pruned), with a warning, and the log
    /// rotates; the plain one is a leftover, shifted and compressed. Nothing is overwritten.
    @Test func aLeftoverNextToItsCompressedCopyIsSetAsideAndTheLogRotates() {
        let p = world(names("app.log.1", "app.log.1.gz", "app.log.2.gz")).plan(logSet { $0.rotate = 3; $0.compress = true })
        #expect(p.errors.isEmpty)
        #expect(p.renames == ["/var/log/app.log.1.gz -> /var/log/app.log.1.gz-2026120110.backup",
                              "/var/log/app.log.2.gz -> /var/log/app.log.3.gz",
                              "/var/log/app.log.1 -> /var/log/app.log.2",
                              "/var/log/app.log -> /var/log/app.log.1"])
        #expect(p.compressed.sorted() == ["/var/log/app.log.1 -> /var/log/app.log.1.gz", "/var/log/app.log.2 -> /var/log/app.log.2.gz"])
        #expect(p.removed.isEmpty)
        #expect(p.decisions.first?.warnings.count == 1)
        #expect(p.decisions.first?.warnings.first?.contains("app.log.1.gz-2026120110.backup") == true)
    }

    @Test func aTakenBackupNameGetsANumberAndAConflictBeyondTheCountIsSetAsideToo() {
        let p = world(names("app.log.4", "app.log.4.gz", "app.log.4.gz-2026120110.backup"))
            .plan(logSet { $0.rotate = 2; $0.compress = true })
        #expect(p.errors.isEmpty)
        #expect(p.renames.first == "/var/log/app.log.4.gz -> /var/log/app.log.4.gz-2026120110.2.backup")
        // The plain one, beyond the count, is shifted and removed as any old generation.
        #expect(p.removed == ["/var/log/app.log.5"])
    }

    /// Simulation seed 8335 (hostile plants × conflicting generations): a symbolic link planted as
    /// `b.log.2` beside the real `b.log.2.gz` was taken for the plain leftover, so the real generation
    /// was moved aside (and kept for ever, out of retention's order) while the link went down the chain.
    /// The name that is not a regular file is the one moved aside; the real generation stays in the chain.
    @Test func aPlantedLinkBesideAGenerationIsWhatGoesAside() {
        var w = world(names("app.log.2.gz", "app.log.3.gz"))
        w.file("/var/log/app.log.2", kind: .symlink)
        let p = w.plan(logSet { $0.rotate = 3; $0.compress = true })
        #expect(p.errors.isEmpty)
        #expect(p.renames.first == "/var/log/app.log.2 -> /var/log/app.log.2-2026120110.backup")
        #expect(p.renames.contains("/var/log/app.log.2.gz -> /var/log/app.log.3.gz"))
        #expect(!p.compressed.contains { $0.hasPrefix("/var/log/app.log.3 ") })
    }

    /// Simulation seed 52075 (mail × hostile plants): a hard link to a file outside the set, planted as
    /// `a.log.1`, was mailed when retention dropped it, and with a longer chain first compressed into the
    /// set and mailed from there: its target's content was sent. A generation with more than one link
    /// (without `allowhardlink`) is neither compressed nor mailed; removing the name loses nothing.
    @Test func aHardLinkedGenerationIsNeitherCompressedNorMailed() {
        var w = world(names("app.log.2.gz"))
        w.file("/var/log/app.log.1", links: 2)
        let dropped = w.plan(logSet { $0.rotate = 1; $0.compress = true; $0.mail = "root@example.org" })
        #expect(dropped.errors.isEmpty)
        #expect(dropped.removed.contains("/var/log/app.log.2"))
        #expect(dropped.mailed == ["/var/log/app.log.3.gz"])
        let kept = w.plan(logSet { $0.rotate = 3; $0.compress = true; $0.mail = "root@example.org" })
        #expect(kept.renames.contains("/var/log/app.log.1 -> /var/log/app.log.2"))
        #expect(!kept.compressed.contains { $0.hasPrefix("/var/log/app.log.2 ") })
        let allowed = w.plan(logSet { $0.rotate = 1; $0.compress = true; $0.mail = "root@example.org"; $0.allowHardlink = true })
        #expect(Set(allowed.mailed) == ["/var/log/app.log.2", "/var/log/app.log.3.gz"])
    }

    @Test func aHardLinkedDatedGenerationIsNeitherCompressedNorMailed() {
        var w = world(names("app.log-20261120.gz"))
        w.file("/var/log/app.log-20261121", links: 2)
        let dropped = w.plan(logSet { $0.rotate = 1; $0.compress = true; $0.dateExt = true; $0.mail = "root@example.org" })
        #expect(dropped.removed.contains("/var/log/app.log-20261121"))
        #expect(dropped.mailed == ["/var/log/app.log-20261120.gz"])
        let kept = w.plan(logSet { $0.rotate = 3; $0.compress = true; $0.dateExt = true })
        #expect(!kept.compressed.contains { $0.hasPrefix("/var/log/app.log-20261121 ") })
    }

    @Test func aDatedLeftoverNextToItsCompressedCopyIsSetAside() {
        let p = world(names("app.log-20261120", "app.log-20261120.gz"))
            .plan(logSet { $0.rotate = 3; $0.compress = true; $0.dateExt = true })
        #expect(p.errors.isEmpty)
        #expect(p.renames.first == "/var/log/app.log-20261120.gz -> /var/log/app.log-20261120.gz-2026120110.backup")
        #expect(p.compressed.contains("/var/log/app.log-20261120 -> /var/log/app.log-20261120.gz"))
    }

    @Test func compressextNamesTheCompressedFiles() {
        let p = world(names("app.log.1.bz2")).plan(logSet {
            $0.rotate = 2; $0.compress = true; $0.compressCommand = "bzip2"; $0.compressExtension = ".bz2"
        })
        #expect(p.renames.first == "/var/log/app.log.1.bz2 -> /var/log/app.log.2.bz2")
        #expect(p.compressed == ["/var/log/app.log.1 -> /var/log/app.log.1.bz2"])
    }

    @Test func compressWithExtension() {
        let p = world(names("app.1.log.gz")).plan(logSet { $0.rotate = 2; $0.compress = true; $0.extension_ = ".log" })
        #expect(p.renames.first == "/var/log/app.1.log.gz -> /var/log/app.2.log.gz")
        #expect(p.compressed == ["/var/log/app.1.log -> /var/log/app.1.log.gz"])
    }

    // MARK: dateext

    @Test func dateextNamesByTheDay() {
        let p = world().plan(logSet { $0.rotate = 2; $0.dateExt = true })
        #expect(p.rotation?.rotatedPath == "/var/log/app.log-20261201")
    }

    @Test func dateextWithDateformatAndEpoch() {
        let now = W.at(2026, 12, 1, 10, 20, 30)
        let p = world(now: now).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.dateFormat = ".%Y-%m-%d_%H:%M:%S.%s" })
        #expect(p.rotation?.rotatedPath == "/var/log/app.log.2026-12-01_10:20:30.\(now)")
    }

    /// gnunet's Debian file (`dateformat -%Y%m`, `compress`, `delaycompress`) forced twice in a month: the
    /// name taken is the plain one delaycompress kept, and the error names it, as logrotate's does.
    @Test func aDateNameTakenIsNamedAsItExists() {
        let plain = world(names("app.log-20261201")).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.compress = true; $0.delayCompress = true })
        #expect(plain.errors == ["/var/log/app.log: destination /var/log/app.log-20261201 already exists, skipping rotation"])
        let gz = world(names("app.log-20261201.gz")).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.compress = true })
        #expect(gz.errors == ["/var/log/app.log: destination /var/log/app.log-20261201.gz already exists, skipping rotation"])
    }

    @Test func dateyesterdayAcrossTheLeapDay() {
        let p = world(now: W.at(2028, 3, 1, 0, 30)).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.dateYesterday = true })
        #expect(p.rotation?.rotatedPath == "/var/log/app.log-20280229")
        let newYear = world(now: W.at(2027, 1, 1, 23)).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.dateYesterday = true })
        #expect(newYear.rotation?.rotatedPath == "/var/log/app.log-20261231")
    }

    @Test func dateyesterdayKeepsMinuteAndSecond() {
        let p = world(now: W.at(2026, 12, 1, 3, 4, 5)).plan(logSet {
            $0.rotate = 2; $0.dateExt = true; $0.dateYesterday = true; $0.dateFormat = "-%Y%m%d%H%M%S"
        })
        #expect(p.rotation?.rotatedPath == "/var/log/app.log-20261130120405")
    }

    @Test func hourlyDateextAndDatehourago() {
        let hourly = world(now: W.at(2026, 12, 1, 0, 30)).plan(logSet {
            $0.rotate = 2; $0.dateExt = true; $0.frequency = .hourly; $0.dateFormat = "-%Y%m%d%H"
        })
        #expect(hourly.rotation?.rotatedPath == "/var/log/app.log-2026120100")
        let ago = world(now: W.at(2026, 12, 1, 0, 30)).plan(logSet {
            $0.rotate = 2; $0.dateExt = true; $0.frequency = .hourly; $0.dateFormat = "-%Y%m%d%H"; $0.dateHourAgo = true
        })
        #expect(ago.rotation?.rotatedPath == "/var/log/app.log-2026113023")
    }

    @Test func dateextRetentionRemovesTheOldest() {
        let p = world(names("app.log-20200101", "app.log-20200102", "app.log-20200103", "app.log-2020010", "app.log-x"))
            .plan(logSet { $0.rotate = 2; $0.dateExt = true })
        #expect(p.rotation?.removals == ["/var/log/app.log-20200101", "/var/log/app.log-20200102"])
    }

    @Test func dateextRetentionCountsCompressedGenerations() {
        let p = world(names("app.log-20200101.gz", "app.log-20200102.gz", "app.log-20200103"))
            .plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.compress = true })
        // The plain leftover is compressed (in the finish phase) and counted with the others.
        #expect(p.compressed.contains("/var/log/app.log-20200103 -> /var/log/app.log-20200103.gz"))
        #expect(p.rotation?.removals == ["/var/log/app.log-20200101.gz", "/var/log/app.log-20200102.gz"])
    }

    @Test func dateextRetentionSortsByTheDateNamed() {
        let p = world(names("app.log.01-01-2020", "app.log.02-01-2019", "app.log.31-12-2018"))
            .plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.dateFormat = ".%d-%m-%Y" })
        #expect(p.rotation?.removals == ["/var/log/app.log.02-01-2019", "/var/log/app.log.31-12-2018"])
    }

    @Test func dateextDestinationThatExistsIsAnError() {
        let plain = world(names("app.log-20261201")).plan(logSet { $0.rotate = 2; $0.dateExt = true })
        #expect(plain.units.isEmpty)
        #expect(plain.errors.first?.contains("already exists") == true)
        let compressed = world(names("app.log-20261201.gz")).plan(logSet { $0.rotate = 2; $0.dateExt = true; $0.compress = true })
        #expect(compressed.units.isEmpty)
    }

    @Test func dateextWithRotateZeroRemovesEverything() {
        let p = world(names("app.log-20200101")).plan(logSet { $0.rotate = 0; $0.dateExt = true })
        #expect(p.rotation?.removals == ["/var/log/app.log-20200101", "/var/log/app.log-20261201"])
    }

    // MARK: olddir

    @Test func olddirRelativeToTheLog() {
        var w = world(names("app.log.1"), dir: "/var/log/old")
        w.directory("/var/log/old")
        let p = w.plan(logSet { $0.rotate = 2; $0.oldDir = "old" })
        #expect(p.renames == ["/var/log/old/app.log.1 -> /var/log/old/app.log.2", "/var/log/app.log -> /var/log/old/app.log.1"])
        #expect(p.directories == ["/var/log", "/var/log/old"])
    }

    @Test func olddirAbsolute() {
        var w = world()
        w.directory("/archive/app")
        let p = w.plan(logSet { $0.rotate = 2; $0.oldDir = "/archive/app/" })
        #expect(p.rotation?.rotatedPath == "/archive/app/app.log.1")
    }

    @Test func missingOlddirNeedsCreateolddir() {
        let missing = world().plan(logSet { $0.rotate = 2; $0.oldDir = "old" })
        #expect(missing.units.isEmpty)
        #expect(missing.errors.first?.contains("createolddir") == true)
        let created = world().plan(logSet { $0.rotate = 2; $0.oldDir = "old"; $0.createOldDir = CreateSpec(mode: 0o750, uid: 3, gid: 4) })
        #expect(created.rotation?.rotateSteps.first == .makeDirectory(path: "/var/log/old", mode: 0o750, uid: 3, gid: 4))
        #expect(created.rotation?.rotatedPath == "/var/log/old/app.log.1")
    }

    // MARK: maxage, maxtotalsize

    @Test func maxageRemovesOldNumberedGenerations() {
        let day: Int64 = 86400
        let p = world(["app.log.1": day, "app.log.2": day * 7 / 2, "app.log.3": 10 * day])
            .plan(logSet { $0.rotate = 5; $0.maxAge = 3 })
        // Expired generations shift with the rest and are removed in the finish phase, after preremove.
        #expect(p.rotation?.removals == ["/var/log/app.log.3", "/var/log/app.log.4"])
        #expect(p.rotation?.finishSteps.compactMap { if case .remove(let path, _, let why) = $0 { "\(path) \(why)" } else { nil } }
                == ["/var/log/app.log.3 older than maxage 3 days", "/var/log/app.log.4 older than maxage 3 days"])
        #expect(p.renames == ["/var/log/app.log.3 -> /var/log/app.log.4", "/var/log/app.log.2 -> /var/log/app.log.3",
                              "/var/log/app.log.1 -> /var/log/app.log.2", "/var/log/app.log -> /var/log/app.log.1"])
    }

    @Test func maxageCountsFractionalDays() {
        // logrotate compares (now - mtime) / 86400 as a real number: 3 days and a second is over maxage 3.
        let p = world(["app.log.1": 3 * 86400 + 1]).plan(logSet { $0.rotate = 5; $0.maxAge = 3 })
        #expect(p.removed == ["/var/log/app.log.2"])
        let kept = world(["app.log.1": 3 * 86400]).plan(logSet { $0.rotate = 5; $0.maxAge = 3 })
        #expect(kept.removed.isEmpty)
    }

    @Test func expiredGenerationsAreNotCountedForMaxtotalsize() {
        let p = world(["app.log.1": 86400, "app.log.2": 9 * 86400]).plan(logSet { $0.rotate = 5; $0.maxAge = 3; $0.maxTotalSize = 1 })
        #expect(p.rotation?.finishSteps.last == .capTotalSize(generations: ["/var/log/app.log.1", "/var/log/app.log.2"], cap: 1))
    }

    @Test func maxageRemovesOldDatedGenerations() {
        let p = world(["app.log-20200101": 10 * 86400, "app.log-20200102": 86400])
            .plan(logSet { $0.rotate = 5; $0.maxAge = 3; $0.dateExt = true })
        #expect(p.rotation?.removals == ["/var/log/app.log-20200101"])
    }

    @Test func maxtotalsizeCapsTheGenerationsNewestFirst() {
        let p = world(names("app.log.1.gz", "app.log.2.gz")).plan(logSet { $0.rotate = 5; $0.compress = true; $0.maxTotalSize = 4096 })
        #expect(p.rotation?.finishSteps.last == .capTotalSize(
            generations: ["/var/log/app.log.1.gz", "/var/log/app.log.2.gz", "/var/log/app.log.3.gz"], cap: 4096))
    }

    @Test func maxtotalsizeWithDateext() {
        let p = world(names("app.log-20200101", "app.log-20200102")).plan(logSet { $0.rotate = 5; $0.dateExt = true; $0.maxTotalSize = 10 })
        #expect(p.rotation?.finishSteps.last == .capTotalSize(
            generations: ["/var/log/app.log-20261201", "/var/log/app.log-20200102", "/var/log/app.log-20200101"], cap: 10))
    }

    // MARK: writers

    @Test func pidFilesSignalThenWaitBeforeCompressing() {
        let p = world().plan(logSet { $0.rotate = 2; $0.compress = true; $0.pidFiles = ["/run/app.pid"]; $0.signal = 10 })
        #expect(p.notify == .notify(pidFiles: ["/run/app.pid"], signal: 10))
        #expect(p.rotation?.finishSteps.prefix(2) == [.awaitWriters(path: "/var/log/app.log.1"),
                                                        .compress(source: "/var/log/app.log.1", destination: "/var/log/app.log.1.gz")])
    }
}
