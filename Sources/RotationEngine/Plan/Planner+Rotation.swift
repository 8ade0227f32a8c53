/// Why a due log cannot be rotated.
struct PlanFailure: Error { var message: String }

extension Planner {
    /// The steps that rotate one due log: logrotate's names, with our safety rules (no overwrite,
    /// leftovers compressed, generations beyond `rotate` removed).
    func rotation(_ path: String, _ st: FileStatus, _ c: LogSetConfig) -> Result<LogRotation, PlanFailure> {
        let (logDir, logName) = PathName.split(path)
        var steps: [Action] = []
        var finish: [Action] = []
        var removals = Set<String>()
        var targetDir = logDir
        if let old = c.oldDir {
            targetDir = PathName.normalize(old.hasPrefix("/") ? old : PathName.join(logDir, old))
        }
        var base = logName
        var fileext = ""
        if let add = c.addExtension {
            if base.hasSuffix(add) && base.count > add.count { base.removeLast(add.count) }
            fileext = add
        }
        if let ext = c.extension_, base.hasSuffix(ext), base.count > ext.count {
            fileext = ext
            base.removeLast(ext.count)
        }
        var names: [String: FileStatus]
        if c.oldDir != nil, input.snapshot.directories[targetDir] == nil, let why = input.snapshot.unreadable[targetDir] {
            return .failure(PlanFailure(message: "\(path): olddir refused: \(why)"))
        }
        if let listing = input.snapshot.entries(in: targetDir, prefix: base) {
            names = listing
        } else if let spec = c.createOldDir, c.oldDir != nil {
            steps.append(.makeDirectory(path: targetDir, mode: spec.mode ?? 0o755, uid: spec.uid, gid: spec.gid))
            names = [:]
        } else {
            return .failure(PlanFailure(message: "\(path): olddir \(targetDir) does not exist (add createolddir to create it)"))
        }
        let compext = c.compress ? c.effectiveCompressExtension : ""
        let at = { (name: String) in PathName.join(targetDir, name) }

        // An uncompressed generation left by delaycompress or by an interrupted run is compressed in the
        // finish phase, after the chain has moved it: a compressed output is never renamed in the run that
        // made it, and no name is reused within a unit, so every step stays recognisable as done (or not)
        // from the names and inodes on disk when a journal is replayed after a crash.
        var leftovers: [String] = []
        var warnings: [String] = []
        // `log.1` beside `log.1.gz` (another tool's interrupted compression, a `gunzip -k`): as logrotate,
        // the compressed one is moved aside to `NAME-YYYYMMDDHH.backup`, kept and never pruned, and the
        // plain one goes on as a leftover; nothing is overwritten and the log still rotates.
        // A plain name that is not a regular file (a link or FIFO planted there) is no generation: that
        // one goes aside, and the compressed generation stays in the chain.
        func checkLeftover(_ name: String) -> PlanFailure? {
            guard c.compress, let plain = names[name], names[name + compext] != nil else { return nil }
            let aside = plain.kind == .regular ? name + compext : name
            guard let s = names[aside], let backup = Self.backupName(aside, names, input.timeZone.civil(input.now)) else {
                return PlanFailure(message: "\(at(name)): both it and \(at(name + compext)) exist, and their backup names are taken; resolve by hand")
            }
            steps.append(.rename(from: at(aside), to: at(backup), inode: s.inode))
            names[backup] = s
            names[aside] = nil
            warnings.append("\(at(name)) and \(at(name + compext)) both exist: moved \(at(aside)) aside to \(at(backup))")
            return nil
        }
        // A generation with more than one hard link (without `allowhardlink`) also holds another file's
        // data, maybe one outside the set (a link its directory's owner planted): it is moved and removed
        // by name, never compressed into the set nor mailed; removing the name loses nothing.
        var unmailed = Set<String>()
        func sharesData(_ s: FileStatus) -> Bool { s.linkCount > 1 && !c.allowHardlink }
        func setApart(_ name: String, _ s: FileStatus) {
            unmailed.insert(at(name))
            warnings.append("\(at(name)): \(s.linkCount) hard links: neither compressed nor mailed (allowhardlink not set)")
        }
        func expired(_ s: FileStatus) -> Bool {
            guard let maxAge = c.maxAge, maxAge > 0 else { return false }
            // logrotate compares fractional days (difftime / 86400 > maxage).
            return input.now - s.modified.seconds > Int64(maxAge) * 86400
        }

        let rotatedName: String
        var generations: [String] = []   // newest first, final names after this run
        if c.dateExt {
            // The parser gives hourly sets `-%Y%m%d%H` unless a dateformat was written.
            let format = DateFormat(c.dateFormat)
            var epoch = input.now
            if c.dateYesterday {
                // As logrotate: the same minute and second, at noon (clear of DST changes), a day earlier.
                var noon = input.timeZone.civil(input.now)
                noon.hour = 12
                epoch = input.timeZone.epoch(noon) - 86400
            }
            if c.dateHourAgo { epoch -= 3600 }
            rotatedName = base + format.render(input.timeZone.civil(epoch), epoch: epoch) + fileext
            func isGeneration(_ name: String, compressed: Bool) -> Bool {
                guard name.hasPrefix(base) else { return false }
                var rest = name.dropFirst(base.count)
                if compressed {
                    guard !compext.isEmpty, rest.hasSuffix(compext) else { return false }
                    rest = rest.dropLast(compext.count)
                }
                guard rest.hasSuffix(fileext) else { return false }
                return format.matches(rest.dropLast(fileext.count))
            }
            for name in names.keys.sorted() where c.compress && isGeneration(name, compressed: false) && name != logName {
                if let failure = checkLeftover(name) { return .failure(failure) }
                leftovers.append(name)
            }
            if let taken = [rotatedName, rotatedName + compext].first(where: { names[$0] != nil }) {
                return .failure(PlanFailure(message: "\(path): destination \(at(taken)) already exists, skipping rotation"))
            }
            // Oldest first, by the time the name stands for (as logrotate sorts them), then by name.
            func key(_ name: String) -> Int64 {
                var rest = name.dropFirst(base.count)
                if !compext.isEmpty && rest.hasSuffix(compext) { rest = rest.dropLast(compext.count) }
                return format.sortKey(rest.dropLast(fileext.count)) ?? 0
            }
            let old = names.keys.filter { $0 != logName && (isGeneration($0, compressed: !compext.isEmpty) || leftovers.contains($0)) }
                .map { (key($0), $0) }.sorted { $0 < $1 }.map(\.1)
            let keep = c.rotate == 0 ? 1 : c.rotate
            for (i, name) in old.enumerated() {
                guard let s = names[name] else { continue }
                if sharesData(s) { setApart(name, s) }
                let beyond = keep > 0 && old.count >= keep && i <= old.count - keep
                if beyond || expired(s) {
                    finish.append(.remove(path: at(name), inode: s.inode, reason: beyond ? "beyond rotate \(c.rotate)" : "older than maxage \(c.maxAge ?? 0) days"))
                    removals.insert(at(name))
                } else if leftovers.contains(name) && !sharesData(s) {
                    finish.append(.compress(source: at(name), destination: at(name + compext)))
                    generations.insert(at(name + compext), at: 0)
                } else {
                    generations.insert(at(name), at: 0)
                }
            }
        } else {
            // Every name of the chain is built once: a set of thousands of logs plans in milliseconds.
            var chain: [Int: String] = [:]
            func gen(_ i: Int) -> String {
                if let name = chain[i] { return name }
                let name = base + "." + String(i) + fileext
                chain[i] = name
                return name
            }
            func index(of name: String) -> Int? {
                guard name.hasPrefix(base + ".") else { return nil }
                var rest = name.dropFirst(base.count + 1)
                if !compext.isEmpty && rest.hasSuffix(compext) { rest = rest.dropLast(compext.count) }
                guard rest.hasSuffix(fileext) else { return nil }
                rest = rest.dropLast(fileext.count)
                guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(rest)
            }
            let existing = names.keys.compactMap(index(of:))
            var count = c.rotate == 0 ? 1 : c.rotate
            if c.rotate == -1 { count = max(existing.max() ?? 0, 0) }
            let top = c.start + count - 1
            var moved = Set<String>()   // uncompressed leftovers, by their name after the shift
            for i in Set(existing + (top >= c.start ? Array(c.start...top) : [])).sorted() where i >= c.start {
                if let failure = checkLeftover(gen(i)) { return .failure(failure) }
            }
            // Shift every generation up by one, from the highest, so no rename meets an occupied name;
            // those then beyond the count, or older than maxage, are removed in the finish phase (after
            // postrotate, preremove first), as logrotate disposes of the oldest.
            let highest = max(top, existing.filter { $0 >= c.start }.max() ?? top)
            var expiredNames = Set<String>()
            if highest >= c.start {
                for i in stride(from: highest, through: c.start, by: -1) {
                    var src = gen(i) + compext
                    var suffix = compext
                    if names[src] == nil && c.compress && names[gen(i)] != nil {
                        src = gen(i)
                        suffix = ""
                    }
                    guard let s = names[src] else { continue }
                    let dst = gen(i + 1) + suffix
                    if names[gen(i + 1) + compext] != nil || names[gen(i + 1)] != nil && c.compress {
                        return .failure(PlanFailure(message: "\(path): \(at(dst)) is in the way of \(at(src)); resolve by hand"))
                    }
                    steps.append(.rename(from: at(src), to: at(dst), inode: s.inode))
                    names[dst] = s
                    names[src] = nil
                    if expired(s) { expiredNames.insert(dst) }
                    if suffix.isEmpty && c.compress && !sharesData(s) { moved.insert(dst) }
                }
            }
            rotatedName = gen(c.start)
            if names[rotatedName] != nil {
                return .failure(PlanFailure(message: "\(path): \(at(rotatedName)) already exists and would be overwritten, skipping rotation"))
            }
            for name in names.keys.sorted() {
                guard let i = index(of: name), i > c.start, let s = names[name] else { continue }
                if sharesData(s) { setApart(name, s) }
                if c.rotate != -1 && i >= c.start + count {
                    finish.append(.remove(path: at(name), inode: s.inode, reason: "beyond rotate \(c.rotate)"))
                    removals.insert(at(name))
                } else if expiredNames.contains(name) {
                    finish.append(.remove(path: at(name), inode: s.inode, reason: "older than maxage \(c.maxAge ?? 0) days"))
                    removals.insert(at(name))
                } else if moved.contains(name) {
                    finish.append(.compress(source: at(name), destination: at(name + compext)))
                }
            }
            if c.rotate != 0 && top > c.start {
                for i in (c.start + 1)...top {
                    let kept = names[gen(i) + compext] != nil && !expiredNames.contains(gen(i) + compext)
                    let plain = moved.contains(gen(i)) && !expiredNames.contains(gen(i))
                    if kept || plain { generations.append(at(gen(i) + compext)) }
                }
            }
        }
        let rotatedPath = at(rotatedName)
        // What the finish phase starts with: wait for writers, and for renamecopy the copy out of the
        // temporary name (after postrotate, as logrotate does, so nothing written meanwhile is lost).
        var lead: [Action] = []
        switch c.mode {
        case .copyTruncate:
            steps.append(.copyTruncate(from: path, to: rotatedPath))
        case .copy:
            steps.append(.copy(from: path, to: rotatedPath))
        case .rename, .renameCopy:
            var renamed = rotatedPath
            if c.mode == .renameCopy {
                renamed = path + ".tmp"
                if input.snapshot.status(renamed) != nil {
                    return .failure(PlanFailure(message: "\(path): \(renamed) already exists (renamecopy's temporary name); resolve by hand"))
                }
            }
            steps.append(.rename(from: path, to: renamed, inode: st.inode))
            if let spec = c.create {
                // Under `su` to another user, logrotate creates the file as that user, so it is theirs
                // unless given; under `su root GROUP` it is still root and gives it the old log's owner.
                let suOwner = c.su.flatMap { $0.uid == 0 ? nil : $0 }
                steps.append(.create(path: path, mode: spec.mode ?? (st.mode & 0o777),
                                     uid: spec.uid ?? suOwner?.uid ?? st.uid, gid: spec.gid ?? suOwner?.gid ?? st.gid))
            }
            if c.mode == .renameCopy {
                if !c.pidFiles.isEmpty { lead.append(.awaitWriters(path: renamed)) }
                lead.append(.copy(from: renamed, to: rotatedPath))
                lead.append(.remove(path: renamed, inode: st.inode, reason: "renamecopy: copied to \(rotatedPath)"))
            }
        }
        if c.rotate == 0 {
            finish.append(.remove(path: rotatedPath, inode: 0, reason: "rotate 0 keeps no old logs"))
            removals.insert(rotatedPath)
        } else {
            if !c.pidFiles.isEmpty && c.mode != .renameCopy { lead.append(.awaitWriters(path: rotatedPath)) }
            if c.compress && !c.delayCompress {
                lead.append(.compress(source: rotatedPath, destination: rotatedPath + compext))
                generations.insert(rotatedPath + compext, at: 0)
            } else {
                generations.insert(rotatedPath, at: 0)
            }
            if let cap = c.maxTotalSize { finish.append(.capTotalSize(generations: generations, cap: cap)) }
        }
        finish = withMail(lead + finish, log: path, rotatedPath: rotatedPath, removals: removals.subtracting(unmailed), c)
        if let long = Self.nameTooLong(steps + finish) {
            return .failure(PlanFailure(message: "\(path): not rotated: \(long) would be longer than \(Self.nameMax) bytes: File name too long"))
        }
        return .success(LogRotation(path: path, rotatedPath: rotatedPath, rotateSteps: steps,
                                    finishSteps: finish, removals: removals, warnings: warnings))
    }

    /// `NAME-YYYYMMDDHH.backup` (logrotate's name for an output that was in the way), or with `.2`, `.3`, …
    /// before `.backup` when that is taken; nil when the first hundred are.
    static func backupName(_ name: String, _ names: [String: FileStatus], _ now: CivilTime) -> String? {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let stem = name + "-\(now.year)\(two(now.month))\(two(now.day))\(two(now.hour))"
        for n in 1...100 {
            let candidate = stem + (n == 1 ? "" : ".\(n)") + ".backup"
            if names[candidate] == nil { return candidate }
        }
        return nil
    }

    /// NAME_MAX of Linux file systems: a longer name fails with ENAMETOOLONG.
    static let nameMax = 255

    /// The first path a step would create whose last component exceeds `nameMax` bytes: such a log is
    /// refused before any step, as logrotate fails it, instead of failing half-way through its chain.
    static func nameTooLong(_ steps: [Action]) -> String? {
        for step in steps {
            let made: String?
            switch step {
            case .rename(_, let to, _), .copy(_, let to), .copyTruncate(_, let to): made = to
            case .compress(_, let destination): made = destination
            case .create(let path, _, _, _), .makeDirectory(let path, _, _, _): made = path
            default: made = nil
            }
            if let made, FileNameEncoding.encodedCount(PathName.split(made).1) > nameMax { return made }
        }
        return nil
    }
}
