import Foundation
import Testing
import TestSupport

/// Modes of what rotatectl creates: created logs, compressed outputs, copies, olddirs, the state file,
/// the journal and the locks never exist with more permission than intended, not even for an instant.
/// Each is created `O_CREAT|O_NOFOLLOW` mode 0600 (0700 for a directory) and only then given its owner
/// and mode, whatever the umask.
@Suite("Hardening: modes of new files") struct HardeningModeTests {
    static let config = """
        @DIR@/logs/created.log {
            rotate 1
            create 0640
        }
        @DIR@/logs/gz.log {
            rotate 1
            compress
        }
        @DIR@/logs/copied.log {
            rotate 1
            copy
        }
        @DIR@/logs/truncated.log {
            rotate 1
            copytruncate
        }
        @DIR@/logs/moved.log {
            rotate 1
            olddir old
            createolddir 0750 root root
        }
        """

    static func tree() -> TempDirectory {
        let t = TempDirectory("rotatectl-modes")
        mkdir(t.child("logs"), 0o755)
        mkdir(t.child("var"), 0o700)
        for name in ["created", "gz", "copied", "truncated", "moved"] {
            t.write("logs/\(name).log", Harness.lines(name, 1...50), mode: 0o604)
        }
        t.config(config)
        return t
    }

    /// rotatectl with umask 000: a file created with the mode it should end with, rather than 0600,
    /// would be world-writable until its chmod.
    static func run(_ t: TempDirectory, crashAt: Int? = nil, under prefix: [String] = []) -> ProcessResult {
        var env: [String: String] = [:]
        if let crashAt { env["ROTATECTL_CRASH_AT"] = String(crashAt) }
        let argv = prefix + [PackagePaths.rotatectl, "run", "--force", "-s", t.child("var/state"), t.child("test.conf")]
        return Harness.run(["/bin/sh", "-c", "umask 000; exec \"$@\"", "sh"] + argv, environment: env)
    }

    static let finalModes: [String: mode_t] = [
        "logs/created.log": 0o640, "logs/created.log.1": 0o604,
        "logs/gz.log.1.gz": 0o604, "logs/copied.log.1": 0o604, "logs/copied.log": 0o604,
        "logs/truncated.log.1": 0o604, "logs/truncated.log": 0o604,
        "logs/old": 0o750, "logs/old/moved.log.1": 0o604,
        "var/state": 0o600, "var/state.lock": 0o600, "logs/.rotatectl.lock": 0o600,
    ]

    @Test func finalModesAreTheIntendedOnesWhateverTheUmask() {
        let t = Self.tree()
        let r = Self.run(t)
        #expect(r.status == 0, "\(r.stderr)")
        for (name, mode) in Self.finalModes.sorted(by: { $0.key < $1.key }) {
            #expect(Hostile.mode(t.child(name)) == mode, "\(name): \(String(Hostile.mode(t.child(name)) ?? 0, radix: 8))")
        }
        #expect(Harness.contents(t.child("logs/gz.log.1.gz")) == Harness.lines("gz", 1...50))
        #expect(!t.names().contains { $0.contains(".rotatectl-tmp.") || $0.hasSuffix(".rotatectl.journal") })
    }

    /// Stopped at every durable point of the run (debug builds' fault injection), nothing on disk is
    /// more permissive than it will finally be; temporary files and the journal are 0600.
    @Test func noFileIsEverMorePermissiveThanIntendedAtAnyCrashPoint() throws {
        var k = 1
        var seenTemporary = false, seenJournal = false
        while k < 200 {
            let t = Self.tree()
            // The files that were there before (and keep their inode when renamed) are not new.
            let original = Set(t.names().compactMap { Hostile.lstatus(t.child($0))?.st_ino })
            let r = Self.run(t, crashAt: k)
            if r.status != 137 {
                #expect(r.status == 0, "\(r.stderr)")
                break
            }
            for name in t.names() where name != "test.conf" {
                guard let st = Hostile.lstatus(t.child(name)), !original.contains(st.st_ino) else { continue }
                let mode = st.st_mode & 0o7777
                let base = (name as NSString).lastPathComponent
                let dir = (name as NSString).deletingLastPathComponent
                let intended: mode_t
                if base.hasPrefix(".rotatectl-tmp.") {
                    // Becomes the destination once its metadata is applied, before the rename.
                    intended = Self.finalModes[dir + "/" + base.dropFirst(".rotatectl-tmp.".count)] ?? 0o600
                    seenTemporary = true
                } else if base == ".rotatectl.journal" || base == ".rotatectl.reserve" || base.hasPrefix(".rotatectl-state.") || base.hasSuffix(".lock")
                            || base.hasSuffix(".pending") {
                    intended = 0o600
                    if base == ".rotatectl.journal" { seenJournal = true }
                } else if let m = Self.finalModes[name] {
                    intended = m
                } else {
                    Issue.record("point \(k): unexpected new file \(name)")
                    continue
                }
                #expect(mode & ~intended == 0, "point \(k) (\(r.stderr)): \(name) is \(String(mode, radix: 8)), more than \(String(intended, radix: 8))")
            }
            k += 1
        }
        #expect(k > 5, "the run has crash points")
        #expect(seenJournal, "some crash point shows the journal")
        #expect(seenTemporary, "some crash point shows a temporary file")
    }

    /// Every `open`/`openat`/`creat` with `O_CREAT` rotatectl makes has `O_NOFOLLOW` and mode 0600, and
    /// `O_EXCL` except for the lock files, the journal and the state's side file (opened again by later
    /// runs); every `mkdir`
    /// is 0700. Seen by `strace(1)` on a whole run.
    @Test func everyCreationIsExclusiveNoFollowAndPrivate() throws {
        let strace = "/usr/bin/strace"
        try #require(FileManager.default.isExecutableFile(atPath: strace), "strace is needed (apt-get install strace)")
        let t = Self.tree()
        let trace = t.child("trace")
        let r = Self.run(t, under: [strace, "-f", "-qq", "-o", trace, "-e", "trace=open,openat,openat2,creat,mkdir,mkdirat"])
        #expect(r.status == 0, "\(r.stderr)")
        let calls = (t.read("trace") ?? "").split(separator: "\n").map(String.init)
        let creating = calls.filter { $0.contains("O_CREAT") || $0.contains("creat(") }
        #expect(creating.count >= 10, "\(calls.count) calls traced")
        let reopened = ["\".rotatectl.lock\"", "\"state.lock\"", "\".rotatectl.journal\"",
                        "\"state.pending\""]   // appended to by every set, and by other runs
        for call in creating {
            #expect(call.contains("O_NOFOLLOW"), "\(call)")
            #expect(call.contains(", 0600)"), "\(call)")
            #expect(call.contains("O_EXCL") || reopened.contains { call.contains($0) }, "\(call)")
            #expect(!call.contains("O_TRUNC"), "\(call)")
        }
        let mkdirs = calls.filter { $0.contains("mkdir") }
        #expect(!mkdirs.isEmpty)
        for call in mkdirs { #expect(call.contains(", 0700)"), "\(call)") }
    }
}
