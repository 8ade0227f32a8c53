import Foundation

/// What the simulation may do to a case, each switchable by `ROTATECTL_SIM_DIMENSIONS` so that a fix can be
/// verified one dimension at a time.
enum SimDimension: String, CaseIterable, Sendable, Comparable {
    /// Stop the run at a crash point (`ROTATECTL_CRASH_AT`), sometimes the recovery too.
    case crash
    /// A real SIGKILL at a random instant of the run.
    case kill
    /// A second run started while the first is inside its blocked prerotate or postrotate script.
    case overlap
    /// Symbolic links, hard links and FIFOs planted by the directory's unprivileged owner; a pidfile
    /// replaced by a link to another daemon's.
    case hostile
    /// Log names of 236-250 bytes.
    case longnames
    /// The set rotates with `su` in a directory the unprivileged user owns.
    case su
    /// A writer that counts the reopen signal but never reopens.
    case deaf
    /// `copytruncate` and `copy` sets (a writer that cannot reopen).
    case copy
    /// Leftovers of earlier runs: stale temporary files, uncompressed older generations.
    case leftovers
    /// `mail`: what retention removes is mailed first (`-m`, a command that may fail), never lost.
    case mail
    /// `compressformat zstd` (in-process libzstd) instead of gzip for a compressing set.
    case zstd
    /// A second run started while the first is held in its compressor (a `compresscmd` script that waits),
    /// with the directory lock released and the journal held: the sets of one directory split into
    /// several stanzas, so that run B may rotate another set of A's directory meanwhile; run A sometimes
    /// SIGKILLed while held.
    case compresshold
    /// `rotatectl watch` instead of `rotatectl run`: writers appending, small `size`/`maxsize`, the
    /// watcher SIGKILLed at random moments and started again, runs from "cron" beside it.
    case watch

    static func < (a: SimDimension, b: SimDimension) -> Bool { a.rawValue < b.rawValue }

    /// `all`, or a comma-separated list; `-NAME` removes one from all (`all,-hostile` or `-hostile`).
    static func parse(_ text: String?) -> Set<SimDimension> {
        guard let text, !text.isEmpty else { return Set(allCases) }
        var chosen = Set<SimDimension>()
        let words = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if words.allSatisfy({ $0.hasPrefix("-") }) { chosen = Set(allCases) }
        for word in words {
            if word == "all" { chosen = Set(allCases); continue }
            if word == "none" { chosen = []; continue }
            if word.hasPrefix("-"), let d = SimDimension(rawValue: String(word.dropFirst())) { chosen.remove(d); continue }
            if let d = SimDimension(rawValue: word) { chosen.insert(d) }
        }
        return chosen
    }
}
