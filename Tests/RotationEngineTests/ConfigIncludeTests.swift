import Foundation
import Testing
@testable import RotationEngine
import TestSupport

@Suite("ConfigParser includes and files") struct ConfigIncludeTests {
    @Test func includeFileLeaksGlobalsForwardNotBackward() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("inc.conf", "compress\nrotate 7\n")
        let main = dir.write("main.conf", "/var/log/before {\n}\ninclude \(dir.path)/inc.conf\n/var/log/after {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [main])
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.map(\.rotate) == [0, 7])
        #expect(c.logSets.map(\.compress) == [false, true])
        #expect(c.filesRead == [main, dir.path + "/inc.conf"])
    }

    @Test func directoryIsReadInOrderSkippingTabooNames() throws {
        let dir = TempDirectory("rotatectl-config")
        for name in ["b", "a", "c.conf", "z.dpkg-old", "y.rpmsave", "x~", "w.swp", "v.bak", "u.dpkg-tmp", "t,v", "s.ucf-dist", "r.rhn-cfg-tmp-abc", "q.disabled"] {
            dir.write("d/" + name, "/var/log/\(name) {\n}\n")
        }
        dir.write("d/.hidden.swp", "/var/log/hidden {\n}\n")   // FNM_PERIOD: '*' does not match a leading dot
        try FileManager.default.createDirectory(atPath: dir.path + "/d/subdir", withIntermediateDirectories: true)
        #expect(mkfifo(dir.path + "/d/fifo", 0o644) == 0)
        dir.write("d/empty", "")
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/d"])
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics)")
        #expect(c.logSets.map(\.patterns) == [["/var/log/hidden"], ["/var/log/a"], ["/var/log/b"], ["/var/log/c.conf"]])
    }

    @Test func tabooextAndTaboopatChangeTheList() throws {
        let dir = TempDirectory("rotatectl-config")
        for name in ["a.conf", "b.old", "c.dpkg-old", "keep-me", "skip-me"] {
            dir.write("d/" + name, "/var/log/\(name) {\n}\n")
        }
        let add = dir.write("add.conf", "tabooext + .old, .conf\ntaboopat + skip-*\ninclude \(dir.path)/d\n")
        let c = ConfigParser(asRoot: false).parse(paths: [add])
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.map(\.patterns) == [["/var/log/keep-me"]])
        let replace = dir.write("replace.conf", "tabooext .conf\ninclude \(dir.path)/d\n")
        let r = ConfigParser(asRoot: false).parse(paths: [replace])
        #expect(r.logSets.map(\.patterns) == [["/var/log/b.old"], ["/var/log/c.dpkg-old"], ["/var/log/keep-me"], ["/var/log/skip-me"]])
    }

    @Test func includeLoopIsAnError() throws {
        let dir = TempDirectory("rotatectl-config")
        let a = dir.write("a.conf", "include \(dir.path)/b.conf\n/var/log/a {\n}\n")
        let b = dir.write("b.conf", "daily\ninclude \(dir.path)/a.conf\n")
        let c = ConfigParser(asRoot: false).parse(paths: [a])
        #expect(c.errors.count == 1)
        #expect(c.errors.first?.location == RotationEngine.SourceLocation(file: b, line: 2, column: 1))
        #expect(c.errors.first?.message.contains("include loop") == true)
        // b's globals were undone because b had an error; a's block stays.
        #expect(c.logSets.map(\.patterns) == [["/var/log/a"]])
        #expect(c.logSets.first?.frequency == nil)
        let selfLoop = dir.write("self.conf", "include self.conf\n")
        let s = ConfigParser(asRoot: false).parse(paths: [selfLoop])
        #expect(s.errors.map(\.location.line) == [1])
    }

    @Test func deepIncludeChainIsBounded() throws {
        let dir = TempDirectory("rotatectl-config")
        for i in 0..<30 { dir.write("f\(i).conf", "include f\(i + 1).conf\n") }
        dir.write("f30.conf", "/var/log/deep {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/f0.conf"])
        #expect(c.errors.count == 1)
        #expect(c.errors.first?.message.contains("too deep") == true)
    }

    @Test func includeOfMissingFileIsAnErrorOfTheIncluder() throws {
        let dir = TempDirectory("rotatectl-config")
        let main = dir.write("main.conf", "weekly\n\ninclude \(dir.path)/nope.conf\n/var/log/a {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [main])
        #expect(c.errors.count == 1)
        #expect(c.errors.first?.location.line == 3)
        #expect(c.errors.first?.message.contains("No such file") == true)
        // An include that fails drops nothing: the block after it stays.
        #expect(c.logSets.map(\.patterns) == [["/var/log/a"]])
        let missing = ConfigParser(asRoot: false).parse(paths: [dir.path + "/absent.conf"])
        #expect(missing.errors.first?.location == RotationEngine.SourceLocation(file: dir.path + "/absent.conf", line: 0))
        #expect(missing.logSets.isEmpty)
    }

    @Test func brokenIncludedFileIsIsolated() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("d/1-good", "/var/log/good {\n}\n")
        dir.write("d/2-bad", "compress\n/var/log/bad {\n  rotate x\n}\n")
        dir.write("d/3-next", "/var/log/next {\n}\n")
        let main = dir.write("main.conf", "include \(dir.path)/d\n/var/log/main {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [main])
        #expect(c.droppedBlocks.map(\.droppedPatterns) == [["/var/log/bad"]])
        #expect(c.logSets.map(\.patterns) == [["/var/log/good"], ["/var/log/next"], ["/var/log/main"]])
        // The global `compress` of the file with an error does not reach the files after it.
        #expect(c.logSets.allSatisfy { !$0.compress })
    }

    @Test func symlinkedConfigIsFollowedAndRelativeIncludeUsesTheFilesDirectory() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("real/target.conf", "/var/log/linked {\n}\n")
        dir.write("real/sub.conf", "/var/log/sub {\n}\n")
        dir.write("real/top.conf", "include sub.conf\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/d", withIntermediateDirectories: true)
        #expect(symlink(dir.path + "/real/target.conf", dir.path + "/d/link") == 0)
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/d", dir.path + "/real/top.conf"])
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.map(\.patterns) == [["/var/log/linked"], ["/var/log/sub"]])
    }

    @Test func asRootRefusesWritableOrForeignFiles() throws {
        let dir = TempDirectory("rotatectl-config")
        let writable = dir.write("writable.conf", "/var/log/w {\n}\n", mode: 0o664)
        let c = ConfigParser(asRoot: true).parse(paths: [writable])
        #expect(c.logSets.isEmpty)
        #expect(c.errors.first?.message.contains("writable by group or others") == true)
        // Not checked when not root.
        #expect(ConfigParser(asRoot: false).parse(paths: [writable]).logSets.count == 1)

        let foreign = dir.write("foreign.conf", "/var/log/f {\n}\n")
        if getuid() == 0 { #expect(chown(foreign, 65534, 65534) == 0) }
        let f = ConfigParser(asRoot: true).parse(paths: [foreign])
        #expect(f.logSets.isEmpty)
        #expect(f.errors.first?.message.contains("not root") == true)
    }

    @Test func asRootAcceptsRootOwnedReadOnlyFile() throws {
        guard getuid() == 0 else {
            // Without root every file is someone else's: the refusal is what must happen.
            let dir = TempDirectory("rotatectl-config")
            let file = dir.write("x.conf", "/var/log/x {\n}\n")
            #expect(ConfigParser(asRoot: true).parse(paths: [file]).logSets.isEmpty)
            return
        }
        let dir = TempDirectory("rotatectl-config")
        let file = dir.write("x.conf", "/var/log/x {\n}\n", mode: 0o644)
        let c = ConfigParser(asRoot: true).parse(paths: [file])
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.count == 1)
        let exec = dir.write("exec.conf", "/var/log/x {\n}\n", mode: 0o755)
        let e = ConfigParser(asRoot: true).parse(paths: [exec])
        #expect(e.errors.isEmpty && e.diagnostics.first?.message.contains("potentially dangerous mode") == true)
    }
}

@Suite("ConfigParser include semantics") struct ConfigIncludeSemanticsTests {
    @Test func globalsOfADirectoryFileReachTheFollowingFiles() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("d/a", "compress\n/var/log/a {\n}\n")
        dir.write("d/b", "/var/log/b {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/d"])
        #expect(c.logSets.map(\.compress) == [true, true])
    }

    @Test func tabooChangesLastForTheWholeRun() throws {
        let dir = TempDirectory("rotatectl-config")
        dir.write("first.conf", "tabooext + .local\n")
        dir.write("d/x.local", "/var/log/x {\n}\n")
        dir.write("d/y", "/var/log/y {\n}\n")
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/first.conf", dir.path + "/d"])
        #expect(c.logSets.map(\.patterns) == [["/var/log/y"]])
    }

    @Test func oversizedFileIsRefused() throws {
        let dir = TempDirectory("rotatectl-config")
        let big = dir.write("big.conf", String(repeating: "#", count: ConfigParseSession.maxFileSize + 1))
        let c = ConfigParser(asRoot: false).parse(paths: [big])
        #expect(c.errors.first?.message.contains("too large") == true)
        #expect(c.logSets.isEmpty)
    }

    @Test func namedPipeGivenDirectlyIsSkippedWithAWarning() throws {
        let dir = TempDirectory("rotatectl-config")
        #expect(mkfifo(dir.path + "/pipe", 0o644) == 0)
        let c = ConfigParser(asRoot: false).parse(paths: [dir.path + "/pipe"])
        #expect(c.errors.isEmpty)
        #expect(c.diagnostics.first?.message.contains("not a regular file") == true)
    }
}
