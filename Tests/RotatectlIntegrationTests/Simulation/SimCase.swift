#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One generated case: a log set, what lies in its directories before the run, its writers, and the fault
/// the run meets. Everything is derived from `seed`, so the same seed lays out the same case again.
struct SimCase: Sendable {
    /// How a log is rotated: the exclusive choice of the configuration.
    enum Mode: String, Sendable { case create, copytruncate, copy, renamecopy }

    /// When the set is rotated.
    enum Trigger: String, Sendable {
        case sizeOne = "size 1"
        case sizeSmall = "size 2k"
        /// copytruncate's: a file smaller than a block is truncated, not collapsed, which may lose lines
        /// written meanwhile (documented); at 8k the collapse always applies.
        case sizeBlocks = "size 8k"
        case forced = "--force"
        /// `daily` with `maxsize 2k` (watch cases): rotated as soon as it crosses 2k, before its day ends.
        case maxsizeSmall = "maxsize 2k"
    }

    /// What goes wrong during the first run.
    enum Fault: Sendable, Equatable {
        case none
        /// Stopped at crash point 1 + fraction * (points of an undisturbed run); the recovery run too, at
        /// its `recovery`-th point, when set.
        case crash(fraction: Double, recovery: Int?)
        /// SIGKILL after `fraction` of an undisturbed run's duration.
        case kill(fraction: Double)
        /// A second run started while the first is blocked in its postrotate (or prerotate) script.
        case overlap(inPrerotate: Bool)
        /// A second run started while the first is blocked in its compressor (`compresscmd`, see
        /// `HoldCompressor`), its directory lock released and its journal held; `killA`: the first is then
        /// SIGKILLed while still held, and its compressor let go. `bWaits`: the second run waits for busy
        /// locks and held journals as by default (`--wait 60`, so for the first run's release); else
        /// `--wait 0`: it skips what is held (exit 3) and rotates the rest while the first is held.
        case compressorHold(killA: Bool, bWaits: Bool)
        /// `rotatectl watch` instead of the first run, for a few seconds, under the events of `SimWatch`.
        case watch(SimWatch)

        /// A second run beside a first one held in a script or its compressor.
        var isOverlap: Bool {
            switch self {
            case .overlap, .compressorHold: true
            case .none, .crash, .kill, .watch: false
            }
        }
    }

    /// The compressor of a compressing set: gzip (the default) or `compressformat zstd`, in-process both.
    enum Compressor: String, Sendable {
        case gzip, zstd

        var fileExtension: String { self == .gzip ? ".gz" : ".zst" }
        /// The system's tool, to lay out compressed generations and read them back (`-dc`, `-t`).
        var tool: String { self == .gzip ? "/bin/gzip" : "/usr/bin/zstd" }
    }

    /// Something the unprivileged owner of the log directory put there before the run.
    enum Plant: Sendable, Equatable, CustomStringConvertible {
        /// A symbolic link at a generation name (in the log's directory or olddir) to a victim file.
        case symlink(log: Int, name: String)
        /// A hard link at a generation name to a victim file.
        case hardlink(log: Int, name: String)
        /// A FIFO at a generation name.
        case fifo(log: Int, name: String)
        /// The olddir is a symbolic link to the victim directory.
        case olddirSymlink
        /// The log's pidfile (in the log directory) is a symbolic link to another daemon's pidfile.
        case pidfileSymlink(log: Int)

        /// A link or FIFO at a generation's name (what retention may mail).
        var isAtGenerationName: Bool {
            switch self {
            case .symlink, .hardlink, .fifo: true
            case .olddirSymlink, .pidfileSymlink: false
            }
        }

        var description: String {
            switch self {
            case .symlink(_, let name): "symlink logs/\(name) -> victim/secret"
            case .hardlink(_, let name): "hard link logs/\(name) = victim/data.log"
            case .fifo(_, let name): "FIFO at logs/\(name)"
            case .olddirSymlink: "olddir logs/archive -> victim/"
            case .pidfileSymlink(let log): "pidfile logs/\(["a", "b", "c"][log]).pid -> victim/daemon.pid (root's other daemon)"
            }
        }
    }

    /// An older generation present before the run, holding lines `GROUP N`.
    struct Existing: Sendable {
        var name: String
        /// 1 for the newest; decides the order in which retention may drop it.
        var age: Int
        var lines: Int
        var compressed: Bool
        var inOlddir: Bool
        var group: String
        /// The compressed twin of a plain generation of the same name (`log.3` beside `log.3.gz`): moved
        /// aside to a `.backup` name, kept whole and never pruned.
        var setAside = false
    }

    struct Log: Sendable {
        /// The prefix of every line its writer writes.
        var id: String
        var name: String
        var existing: [Existing] = []
        /// Hidden names left by an earlier run (`.rotatectl-tmp.` files with junk in them).
        var staleTemps: [String] = []
    }

    var seed: UInt64
    var logs: [Log]
    var mode: Mode
    var trigger: Trigger
    var rotate: Int
    var compress: Bool
    var delaycompress: Bool
    var olddir: Bool
    var createolddir: Bool
    var dateext: Bool
    var su: Bool
    /// The log directory belongs to the unprivileged user (for `su` and hostile plants).
    var userOwnedDirectory: Bool
    var pidfile: Bool
    /// The pidfiles live in the log directory (where its owner can replace them) instead of a root-only one.
    var pidfileInLogDirectory: Bool
    var signal: String
    var sharedscripts: Bool
    var prerotate: Bool
    var postrotate: Bool
    var maxtotalsize: Bool
    var shred: Bool
    var deafWriter: Bool
    var burst: Int
    var fault: Fault
    var plants: [Plant]
    /// `mail ADDRESS` (maillast) through RUN/mail.sh, which keeps each mail in RUN/mails/.
    var mail = false
    /// RUN/mailfail exists until the final clean run: the mail command fails, so nothing may be removed.
    var mailFails = false
    var compressor = Compressor.gzip
    /// copy and copytruncate: the live log gets a hole of this many bytes (at a 4 KiB boundary) after the
    /// writer's burst; 0 for none. The hole's zeros are no line; every line around it is counted.
    var hole = 0
    /// Run B of an overlap keeps its own state file (RUN/state-b), so that it is not stopped by the state
    /// lock and really acts on the directories while A is held in its script.
    var separateState = false
    /// The stanzas of the configuration, as indices into `logs`, in order; empty: one stanza naming every
    /// log. Several stanzas over one directory are several sets there: run side by side by `watch`, and
    /// rotated by a run B while run A is held in another one's compressor.
    var stanzas: [[Int]] = []

    /// The stanzas, each a list of indices into `logs`.
    var sets: [[Int]] { stanzas.isEmpty ? [Array(logs.indices)] : stanzas }

    /// The most rotations a log may see in the runs of the case: four (the first run, a recovery, the two
    /// clean runs) but under `watch`.
    var maxRotations: Int {
        if case .watch(let w) = fault { return w.rotationBound }
        return 4
    }

    /// Whether a live writer can follow a rename (reopen on the signal); copy modes use one that cannot.
    var writerReopens: Bool { (mode == .create || mode == .renamecopy) && pidfile && !deafWriter && !pidfileUntrusted }

    /// Whether retention (`rotate`, `maxtotalsize`) may drop lines in the (at most four) runs of a case.
    var retentionMayDrop: Bool {
        // A file planted at a generation's name takes a place in the chain like any generation.
        maxtotalsize || logs.contains { rotate < $0.existing.count + maxRotations } || !plants.isEmpty
    }

    /// Whether the writer of log `index` never reopens although the set renames: deaf, or its pidfile
    /// replaced by a hostile link. Its lines follow the renamed file down the chain of generations.
    func writerStaysOnRenamedFile(_ index: Int) -> Bool {
        (mode == .create || mode == .renamecopy) && (deafWriter || plants.contains(.pidfileSymlink(log: index)) || pidfileUntrusted)
    }

    /// A root writer's pidfile in a directory an ordinary user owns: that user could have written any pid
    /// there, so rotatectl signals only a process of that user's (issue 16, point 6), never this writer.
    var pidfileUntrusted: Bool { pidfile && pidfileInLogDirectory && userOwnedDirectory }

    /// `compressformat zstd`: every compressed name laid out or planted ends in `.zst` instead of `.gz`
    /// (one byte longer: a name that no longer fits NAME_MAX is left out).
    mutating func compressWithZstd() {
        compressor = .zstd
        func renamed(_ path: String) -> String { path.hasSuffix(".gz") ? String(path.dropLast(3)) + ".zst" : path }
        func fits(_ path: String) -> Bool { path.split(separator: "/").last!.utf8.count <= 255 }
        for i in logs.indices {
            logs[i].existing = logs[i].existing.map { e in
                var e = e
                e.name = renamed(e.name)
                return e
            }.filter { fits($0.name) }
            logs[i].staleTemps = logs[i].staleTemps.map(renamed).filter(fits)
        }
        plants = plants.compactMap { p in
            switch p {
            case .symlink(let log, let name): return fits(renamed(name)) ? .symlink(log: log, name: renamed(name)) : nil
            case .hardlink(let log, let name): return fits(renamed(name)) ? .hardlink(log: log, name: renamed(name)) : nil
            case .fifo(let log, let name): return fits(renamed(name)) ? .fifo(log: log, name: renamed(name)) : nil
            case .olddirSymlink, .pidfileSymlink: return p
            }
        }
    }

    /// `dateext` off, the generations laid out named `.N` instead (a `watch` case rotates a log many times
    /// a day, which dateext's default format refuses). Plants and stale temporary names keep their dated
    /// names: they are then names no rotation uses.
    mutating func dropDateext() {
        guard dateext else { return }
        dateext = false
        for i in logs.indices {
            for j in logs[i].existing.indices {
                let e = logs[i].existing[j]
                let renamed = logs[i].name + ".\(e.age)" + (e.compressed ? compressor.fileExtension : "")
                if renamed.utf8.count <= 255 { logs[i].existing[j].name = renamed }
            }
        }
    }

    /// The generation suffix a rotation of today would produce (dateext's default `-%Y%m%d`).
    static func todaySuffix() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return String(format: "-%04d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
    }
}
