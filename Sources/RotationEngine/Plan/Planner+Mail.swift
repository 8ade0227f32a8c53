/// `mail ADDRESS` with `maillast` or `mailfirst`: which file of a rotation is mailed, under which subject,
/// and whether it is uncompressed first, as logrotate 3.21 decides (`mailLogWrapper`, `postrotateSingleLog`).
extension Planner {
    /// `finish` with a `.mail` step before each removal retention makes (`maillast`, and `rotate 0`, where
    /// the rotated file is the one removed), or, for `mailfirst`, one for the file just rotated (its
    /// compressed name unless `delaycompress`), after its compression and before any removal.
    func withMail(_ finish: [Action], log path: String, rotatedPath: String, removals: Set<String>,
                  _ c: LogSetConfig) -> [Action] {
        guard let address = c.mail else { return finish }
        let compext = c.compress ? c.effectiveCompressExtension : ""
        let compressedNow = c.compress && !c.delayCompress
        func isCompressed(_ p: String) -> Bool { !compext.isEmpty && p.hasSuffix(compext) }
        var out: [Action] = []
        var first: Action?
        if c.mailFirst && c.rotate != 0 {
            // logrotate names the log itself when it mails a file it uncompresses (mailfirst with compress).
            first = compressedNow
                ? .mail(path: rotatedPath + compext, inode: 0, subject: path, address: address, uncompress: c.uncompressCommand)
                : .mail(path: rotatedPath, inode: 0, subject: rotatedPath, address: address, uncompress: nil)
        }
        for step in finish {
            if case .remove(let p, let inode, _) = step, removals.contains(p) {
                if let f = first {
                    out.append(f)
                    first = nil
                } else if !c.mailFirst || c.rotate == 0 {
                    out.append(mailBeforeRemoval(p, inode: inode, log: path, rotatedPath: rotatedPath, address: address,
                                                 compressed: isCompressed(p), compext: compext, c))
                }
            }
            out.append(step)
        }
        if let f = first { out.append(f) }
        return out
    }

    /// The mail of a file about to be removed. logrotate compresses every generation before it disposes of
    /// it, so its subject has the compressed name even where rotatectl removes the file as it is (`rotate
    /// 0`, an uncompressed leftover), and it is mailed through `uncompresscmd` only when compressed.
    private func mailBeforeRemoval(_ p: String, inode: UInt64, log path: String, rotatedPath: String, address: String,
                                   compressed: Bool, compext: String, _ c: LogSetConfig) -> Action {
        let compressedNow = c.compress && !c.delayCompress
        var subject = p
        if p == rotatedPath && c.rotate == 0 {
            // rotate 0: logrotate mails the rotated file after compressing it (unless delaycompress).
            subject = c.mailFirst && compressedNow ? path : (compressedNow ? p + compext : p)
        } else if c.compress && !compressed {
            subject = p + compext
        }
        return .mail(path: p, inode: inode, subject: subject, address: address,
                     uncompress: compressed ? c.uncompressCommand : nil)
    }
}
