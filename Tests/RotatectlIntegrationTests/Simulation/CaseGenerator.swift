import Foundation
import TestSupport

/// Draws a `SimCase` from a seed, using only the enabled dimensions: the same seed and dimensions give
/// the same case.
struct CaseGenerator {
    let dimensions: Set<SimDimension>
    private var random: SeededRandom

    init(seed: UInt64, dimensions: Set<SimDimension>) {
        self.dimensions = dimensions
        // SplitMix64 of the seed, so that neighbouring seeds start far apart.
        var z = seed &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        random = SeededRandom(seed: z ^ (z >> 31))
    }

    mutating func chance(_ p: Double) -> Bool { Double(random.next() % 1_000_000) < p * 1_000_000 }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(random.next() % UInt64(range.count))
    }

    mutating func fraction() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }

    mutating func pick<T>(_ options: [T]) -> T { options[int(0...(options.count - 1))] }

    mutating func generate(seed: UInt64) -> SimCase {
        let on = dimensions.contains
        let longNames = on(.longnames) && chance(0.3)
        let ids = Array(["a", "b", "c"].prefix(int(1...3)))
        var mode = SimCase.Mode.create
        if on(.copy) && chance(0.3) { mode = chance(0.75) ? .copytruncate : .copy } else if chance(0.15) { mode = .renamecopy }
        let compress = chance(0.65)
        let delaycompress = compress && chance(0.35)
        let olddir = chance(mode == .renamecopy ? 0.5 : 0.25)
        let dateext = chance(0.25)
        let hostile = on(.hostile) && chance(0.4)
        let su = on(.su) && chance(hostile ? 0.6 : 0.25)
        var faults: [SimCase.Fault] = [.none]
        if on(.crash) { faults += [.crash(fraction: 0, recovery: nil), .crash(fraction: 0, recovery: nil)] }
        if on(.kill) { faults += [.kill(fraction: 0)] }
        if on(.overlap) { faults += [.overlap(inPrerotate: false), .overlap(inPrerotate: false)] }
        var fault = pick(faults)
        switch fault {
        case .crash: fault = .crash(fraction: fraction(), recovery: chance(0.3) ? int(1...12) : nil)
        case .kill: fault = .kill(fraction: fraction() * 1.2)
        case .overlap: fault = .overlap(inPrerotate: chance(0.3))
        case .none, .compressorHold, .watch: break
        }
        let pidfile = mode == .create || mode == .renamecopy
        let deaf = on(.deaf) && pidfile && chance(0.2)
        var prerotate = chance(0.3), postrotate = chance(0.45)
        if case .overlap(let pre) = fault { if pre { prerotate = true } else { postrotate = true } }
        let rotate = chance(0.7) ? int(5...8) : int(0...3)
        var trigger: SimCase.Trigger = chance(0.5) ? .sizeOne : chance(0.7) ? .forced : .sizeSmall
        var burst = int(50...3000)
        if mode == .copytruncate {
            trigger = .sizeBlocks
            // Past 64 KiB half the time: recovery must compare more than a prefix.
            burst = chance(0.5) ? int(1100...3000) : int(8000...25000)
        }

        var logs: [SimCase.Log] = []
        for id in ids {
            logs.append(makeLog(id, longNames: longNames, compress: compress, delaycompress: delaycompress, dateext: dateext,
                            olddir: olddir))
        }

        var plants: [SimCase.Plant] = []
        var pidfileInLogDirectory = false
        if hostile {
            for _ in 0..<int(1...2) {
                let index = int(0...(logs.count - 1))
                let gz = compress && !delaycompress
                let candidates = dateext ? [SimCase.todaySuffix() + (gz ? ".gz" : ""), SimCase.todaySuffix()]
                                         : [gz ? ".1.gz" : ".1", ".1", ".2.gz", ".2"]
                let base = logs[index].name + pick(candidates)
                if base.utf8.count > 255 { continue }
                let name = (olddir ? "archive/" : "") + base
                switch int(0...4) {
                case 0, 1: plants.append(.symlink(log: index, name: name))
                case 2: plants.append(.hardlink(log: index, name: name))
                case 3: plants.append(.fifo(log: index, name: name))
                default:
                    if olddir { plants.append(.olddirSymlink) } else if pidfile {
                        pidfileInLogDirectory = true
                        plants.append(.pidfileSymlink(log: index))
                    } else {
                        plants.append(.symlink(log: index, name: name))
                    }
                }
            }
            // Two plants drawn at one name: only the first can be made (the second fails with EEXIST), so
            // only it counts (seed 121281: a hard link counted at a name a symbolic link held set a
            // compressed twin aside that the engine rightly kept in the chain).
            func plantedName(_ p: SimCase.Plant) -> String? {
                switch p {
                case .symlink(_, let n), .hardlink(_, let n), .fifo(_, let n): return n
                case .olddirSymlink, .pidfileSymlink: return nil
                }
            }
            var plantedNames = Set<String>()
            plants = plants.filter { p in plantedName(p).map { plantedNames.insert($0).inserted } ?? true }
            // A name planted takes the place of an existing generation of that name.
            for (i, log) in logs.enumerated() {
                logs[i].existing = log.existing.filter { e in
                    let path = (e.inOlddir ? "archive/" : "") + e.name
                    return !plants.contains { p in
                        switch p {
                        case .symlink(_, let n), .hardlink(_, let n), .fifo(_, let n): return n == path
                        case .olddirSymlink: return e.inOlddir
                        case .pidfileSymlink: return false
                        }
                    }
                }
            }
            // A compressed generation is moved aside (`.backup`, kept whole, never pruned) when a regular
            // file holds its plain name: a plain twin laid out, or a planted hard link. Beside a planted
            // symbolic link or FIFO, the plant goes aside and the compressed one stays in the chain.
            for (i, log) in logs.enumerated() {
                for (j, e) in log.existing.enumerated() where e.compressed {
                    let plain = String(e.name.dropLast(3))
                    let twin = log.existing.contains { !$0.compressed && $0.inOlddir == e.inOlddir && $0.name == plain }
                    let linked = plants.contains(.hardlink(log: i, name: (e.inOlddir ? "archive/" : "") + plain))
                    logs[i].existing[j].setAside = twin || linked
                }
            }
        }

        var simCase = SimCase(seed: seed, logs: logs, mode: mode, trigger: trigger, rotate: rotate, compress: compress,
                       delaycompress: delaycompress, olddir: olddir, createolddir: olddir && chance(0.5),
                       dateext: dateext, su: su, userOwnedDirectory: su || hostile, pidfile: pidfile,
                       pidfileInLogDirectory: pidfileInLogDirectory, signal: chance(0.5) ? "HUP" : "USR1",
                       sharedscripts: chance(0.5), prerotate: prerotate, postrotate: postrotate,
                       maxtotalsize: chance(0.1), shred: chance(0.15), deafWriter: deaf, burst: burst,
                       fault: fault, plants: plants)
        // Drawn last, so that the other dimensions' draws stay those of earlier versions. Not with
        // copytruncate (a removed generation may end in half a line). With plants: a planted name takes a
        // generation's place in the chain and may be what retention mails; its target must never be sent.
        if on(.mail) && mode != .copytruncate && chance(0.35) {
            simCase.mail = true
            simCase.mailFails = chance(0.4)
            // A plant reaches retention's end of the chain, where it would be mailed, only with a short one.
            if plants.contains(where: \.isAtGenerationName) && chance(0.6) { simCase.rotate = int(0...2) }
        }
        if on(.zstd) && compress && chance(0.35) { simCase.compressWithZstd() }
        if case .overlap = fault, chance(0.5) { simCase.separateState = true }
        if mode == .copy || mode == .copytruncate, chance(0.3) { simCase.hole = pick([4096, 65536, 1 << 20]) }
        // The newest dimensions, drawn after all the others (so that a case without them is the one earlier
        // versions drew for its seed), each taking the place of the fault drawn, in a modest share of cases;
        // in most of them when no other fault is chosen (`--dimensions watch`: to look at that one).
        let focused = !on(.crash) && !on(.kill) && !on(.overlap)
        if on(.watch) && chance(focused ? 0.5 : 0.1) {
            watch(&simCase, longNames: longNames)
        } else if on(.compresshold) && simCase.compressor == .gzip && chance(focused ? 0.6 : 0.13) {
            holdInCompressor(&simCase, longNames: longNames)
        }
        return simCase
    }

    /// A log of the set with what lies beside it before the run: generations (compressed or not, in olddir
    /// or not, dated or numbered), leftovers of earlier runs.
    private mutating func makeLog(_ id: String, longNames: Bool, compress: Bool, delaycompress: Bool, dateext: Bool,
                              olddir: Bool) -> SimCase.Log {
        let on = dimensions.contains
        var name = id + ".log"
        if longNames && chance(0.7) {
            let length = int(236...250)
            name = id + String(repeating: "_", count: length - id.count - 4) + ".log"
        }
        var log = SimCase.Log(id: id, name: name)
        let count = int(0...3)
        for age in 1...max(1, count + 1) where age <= count {
            let compressed = compress && !(delaycompress && age == 1)
            log.existing.append(existing(name, id: id, age: age, compressed: compressed, dateext: dateext, olddir: olddir))
        }
        if on(.leftovers) && compress && chance(0.25) {
            // An older generation left uncompressed (a run that failed to compress it).
            log.existing.append(existing(name, id: id, age: count + 1, compressed: false, dateext: dateext, olddir: olddir))
        }
        if on(.leftovers) && compress && chance(0.15) {
            // A plain generation beside its compressed name (another tool's interrupted compression):
            // the compressed one is laid out first, so the plain one is written after its gzip.
            let age = count + 2
            var twin = existing(name, id: id, age: age, compressed: true, dateext: dateext, olddir: olddir)
            twin.group = "\(id).g\(age + 50)"
            twin.setAside = true
            log.existing.append(twin)
            log.existing.append(existing(name, id: id, age: age, compressed: false, dateext: dateext, olddir: olddir))
        }
        if on(.leftovers) && chance(0.2) {
            // The temporary name of an output this case's rotation makes (`DirectoryHandle.temporaryName`).
            let output = name + (dateext ? SimCase.todaySuffix() : ".1") + (compress && !delaycompress ? ".gz" : "")
            log.staleTemps.append((olddir ? "archive/" : "") + ".rotatectl-tmp." + output)
        }
        // A name longer than NAME_MAX cannot be laid out.
        log.existing = log.existing.filter { $0.name.utf8.count <= 255 }
        log.staleTemps = log.staleTemps.filter { ($0.split(separator: "/").last?.utf8.count ?? 0) <= 255 }
        return log
    }

    /// Logs added to a set of fewer than `count`, so that its directory can hold several sets.
    private mutating func addLogs(_ c: inout SimCase, upTo count: Int, longNames: Bool) {
        for id in ["a", "b", "c"].prefix(count) where !c.logs.contains(where: { $0.id == id }) {
            c.logs.append(makeLog(id, longNames: longNames, compress: c.compress, delaycompress: c.delaycompress,
                              dateext: c.dateext, olddir: c.olddir))
        }
    }

    /// The logs split into stanzas over their one directory: one each, or the first alone and the others
    /// together.
    private mutating func split(_ c: inout SimCase) {
        let all = Array(c.logs.indices)
        guard all.count > 1 else { return }
        c.stanzas = chance(0.7) ? all.map { [$0] } : [[all[0]], Array(all.dropFirst())]
    }

    /// The first run is held in its compressor while a second one runs (`SimCase.Fault.compressorHold`).
    /// The case is made to reach its compressor: it compresses (not delayed), its writer reopens when told
    /// (a deaf one would keep the new generation uncompressed), its logs are due; two or three logs in as
    /// many stanzas, most often with a script so that the sets run one by one (script-less sets run as one
    /// group, one journal naming all their files: then run B finds every set held, also a case to play).
    private mutating func holdInCompressor(_ c: inout SimCase, longNames: Bool) {
        c.fault = .compressorHold(killA: chance(0.5), bWaits: chance(0.25))
        c.compress = true
        // `rotate 0` removes the rotated file instead of compressing it.
        c.rotate = max(c.rotate, 1)
        c.delaycompress = false
        c.deafWriter = false
        if c.trigger != .sizeBlocks { c.trigger = chance(0.5) ? .sizeOne : .forced }
        if chance(0.75) { c.postrotate = true }
        addLogs(&c, upTo: int(2...3), longNames: longNames)
        split(&c)
        c.separateState = chance(0.5)
    }

    /// `rotatectl watch` for a few seconds instead of the first run (`SimCase.Fault.watch`): logs due at a
    /// small size, so that they rotate several times; no dateext (one rotation a day); several sets in
    /// one directory most of the time, run side by side by the watcher's workers.
    private mutating func watch(_ c: inout SimCase, longNames: Bool) {
        let seconds = 2 + 2 * fraction()
        var moments: [SimWatch.Moment] = []
        for _ in 0..<(chance(0.8) ? int(1...2) : 0) {
            moments.append(SimWatch.Moment(at: 0.1 + 0.8 * fraction(), event: .kill(restart: chance(0.65))))
        }
        if moments.contains(where: { $0.event == .kill(restart: false) }) && chance(0.5) {
            moments.append(SimWatch.Moment(at: 0.5 + 0.45 * fraction(), event: .start))
        }
        for _ in 0..<(chance(0.4) ? int(1...2) : 0) {
            moments.append(SimWatch.Moment(at: 0.05 + 0.9 * fraction(), event: .cron))
        }
        moments.sort { $0.at < $1.at }
        let plan = SimWatch(seconds: seconds, minInterval: pick([0.2, 0.3, 0.5]), moments: moments)
        c.fault = .watch(plan)
        c.dropDateext()
        if c.mode == .copytruncate {
            c.trigger = .sizeBlocks
        } else {
            c.trigger = chance(0.2) ? .sizeOne : chance(0.5) ? .sizeSmall : .maxsizeSmall
        }
        if chance(0.5) { addLogs(&c, upTo: int(2...3), longNames: longNames) }
        if chance(0.75) { split(&c) }
        // A `rotate` that keeps every generation the case can make, so that every line is checked. (The
        // 30% of cases that kept the one drawn, letting retention drop the oldest over a watcher's many
        // rotations, misjudged seed 131349: a laid-out generation outside the chain, `b.log..zst`,
        // counted as the oldest kept, so the legitimately dropped ones after it looked lost. The draw
        // stays, so that the cases after it are the same.)
        let most = c.logs.map(\.existing.count).max() ?? 0
        _ = chance(0.7)
        c.rotate = c.maxRotations + most + 1
    }

    private mutating func existing(_ name: String, id: String, age: Int, compressed: Bool, dateext: Bool,
                                   olddir: Bool) -> SimCase.Existing {
        let suffix = dateext ? String(format: "-202611%02d", 28 - age) : ".\(age)"
        return SimCase.Existing(name: name + suffix + (compressed ? ".gz" : ""), age: age, lines: int(1...400),
                                compressed: compressed, inOlddir: olddir, group: "\(id).g\(age)")
    }
}
