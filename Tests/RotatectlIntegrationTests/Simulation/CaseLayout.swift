#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// The directories of one case, laid out: ROOT/logs (the set, owned by the unprivileged user when the
/// case says so; ROOT/logs/archive its olddir), ROOT/run (root's: state, pidfiles, writer status,
/// script sentinels), ROOT/victim (outside the set), ROOT/sim.conf.
final class CaseLayout {
    let c: SimCase
    let user: SimUser
    let root: TempDirectory
    let victim: VictimArea
    /// Every name planted, relative to logs/.
    private(set) var planted: [String] = []
    /// What went wrong laying it out (reported with the case, not as a violation of rotatectl).
    private(set) var problems: [String] = []

    var logs: String { root.child("logs") }
    var run: String { root.child("run") }
    var config: String { root.child("sim.conf") }
    var state: String { run + "/state" }
    /// Run B's state file in an overlap case with `separateState`.
    var stateB: String { run + "/state-b" }

    init(_ c: SimCase, user: SimUser, initialLines: Bool) {
        self.c = c
        self.user = user
        root = TempDirectory("rotsim")
        mkdir(root.child("logs"), 0o755)
        mkdir(root.child("run"), 0o755)
        if c.mail {
            mkdir(root.child("run/mails"), 0o755)
            if !TestFile.write(Array(SimConfig.mailCommand(run: root.child("run")).utf8), to: root.child("run/mail.sh"), mode: 0o755) {
                problems.append("could not write mail.sh")
            }
            if c.mailFails { TestFile.write([], to: root.child("run/mailfail")) }
        }
        if case .compressorHold = c.fault, !HoldCompressor(run: root.child("run")).install() {
            problems.append("could not write the hold compressor")
        }
        victim = VictimArea(path: root.child("victim"))
        let owner = c.userOwnedDirectory ? user : nil
        let olddirPlanted = c.plants.contains(.olddirSymlink)
        let plantedInOlddir = c.plants.contains { p in
            switch p {
            case .symlink(_, let n), .hardlink(_, let n), .fifo(_, let n): return n.hasPrefix("archive/")
            default: return false
            }
        }
        if c.olddir && !olddirPlanted && (!c.createolddir || plantedInOlddir) { mkdir(logs + "/archive", 0o755) }
        for log in c.logs {
            // The writer's burst is in the live log already when it starts (the writer goes on from there);
            // with `initialLines` false the writer itself writes it.
            write(log.name, initialLines ? Harness.lines(log.id, 1...c.burst) : "")
            for e in log.existing {
                let name = (e.inOlddir ? "archive/" : "") + e.name
                if olddirPlanted && e.inOlddir { continue }
                let plain = e.compressed ? String(name.dropLast(c.compressor.fileExtension.count)) : name
                write(plain, Harness.lines(e.group, 1...e.lines))
                if e.compressed {
                    let argv = c.compressor == .gzip ? ["-n"] : ["-q", "--rm"]
                    _ = SpawnedProcess.capture([c.compressor.tool] + argv + [logs + "/" + plain])
                }
                TestFile.setModified(logs + "/" + name, 1_790_000_000 - e.age * 86_400)
            }
            for t in log.staleTemps { write(t, "junk of an interrupted run\n") }
        }
        if let owner {
            _ = SpawnedProcess.capture(["/bin/chown", "-R", "\(owner.uid):\(owner.gid)", logs])
        }
        plant()
        TestFile.write(Array(SimConfig.render(c, logs: logs, run: run, user: user).utf8), to: config)
    }

    private func write(_ name: String, _ text: String) {
        if !TestFile.write(Array(text.utf8), to: logs + "/" + name, mode: 0o644, makingDirectories: true) {
            problems.append("could not write \(name): \(String(cString: strerror(errno)))")
        }
    }

    /// The hostile plants, made as the directory's owner where the kernel lets them (a hard link to a
    /// file of root's is refused by `protected_hardlinks`, so root makes that one, as if it were old).
    private func plant() {
        // With archive/ itself a link to the victim, a plant under it would land in the victim's directory.
        let throughLink = c.plants.contains(.olddirSymlink)
        for p in c.plants {
            switch p {
            case .symlink(_, let name) where throughLink && name.hasPrefix("archive/"),
                 .hardlink(_, let name) where throughLink && name.hasPrefix("archive/"),
                 .fifo(_, let name) where throughLink && name.hasPrefix("archive/"):
                continue
            case .symlink(_, let name):
                asOwner(["/bin/ln", "-s", victim.secret, logs + "/" + name], name)
            case .hardlink(_, let name):
                if link(victim.data, logs + "/" + name) != 0 { problems.append("link \(name): \(errno)") }
                planted.append(name)
            case .fifo(_, let name):
                asOwner(["/usr/bin/mkfifo", "-m", "0644", logs + "/" + name], name)
            case .olddirSymlink:
                asOwner(["/bin/ln", "-s", victim.path, logs + "/archive"], "archive")
            case .pidfileSymlink:
                break   // after the writer wrote its pidfile: `replacePidfiles()`
            }
        }
    }

    private func asOwner(_ argv: [String], _ name: String) {
        if !(c.userOwnedDirectory ? user.run(argv) : SpawnedProcess.capture(argv).status == 0) {
            problems.append("could not plant \(name)")
        }
        planted.append(name)
    }

    /// The hostile owner replaces the writers' pidfiles in the log directory by links to the victim daemon's.
    func replacePidfiles() {
        for p in c.plants {
            guard case .pidfileSymlink(let index) = p else { continue }
            let name = c.logs[index].id + ".pid"
            let path = SimConfig.pidfile(c, c.logs[index], logs: logs, run: run)
            unlink(path)
            asOwner(["/bin/ln", "-s", victim.daemonPidfile, path], name)
        }
    }

    /// The names below logs/ with their sizes (or kinds), for the report.
    func listing() -> [String] {
        (FileManager.default.subpaths(atPath: logs) ?? []).sorted().map { name in
            var st = stat()
            guard lstat(logs + "/" + name, &st) == 0 else { return name + " (gone)" }
            switch st.st_mode & S_IFMT {
            case S_IFLNK: return name + " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: logs + "/" + name)) ?? "?")
            case S_IFIFO: return name + " (fifo)"
            case S_IFDIR: return name + "/ (uid \(st.st_uid))"
            default: return name + " (\(st.st_size) bytes, uid \(st.st_uid), links \(st.st_nlink))"
            }
        }
    }

    func remove() {
        victim.stop()
        root.remove()
    }
}
