/// The configuration text of a case: one stanza naming every log of the set, or one per group of logs
/// (`SimCase.stanzas`), each with the same directives.
enum SimConfig {
    static func render(_ c: SimCase, logs: String, run: String, user: SimUser) -> String {
        c.sets.map { stanza(c, $0.map { c.logs[$0] }, logs: logs, run: run, user: user) }.joined()
    }

    private static func stanza(_ c: SimCase, _ members: [SimCase.Log], logs: String, run: String, user: SimUser) -> String {
        var lines: [String] = []
        lines.append(members.map { "\(logs)/\($0.name)" }.joined(separator: " ") + " {")
        lines.append("rotate \(c.rotate)")
        if c.trigger == .maxsizeSmall { lines.append("daily") }
        if c.trigger != .forced { lines.append(c.trigger.rawValue) }
        switch c.mode {
        case .create: lines.append("create")
        case .copytruncate: lines.append("copytruncate")
        case .copy: lines.append("copy")
        case .renamecopy: lines.append("renamecopy")
        }
        if c.compress { lines.append("compress") }
        if c.compress && c.compressor == .zstd { lines.append("compressformat zstd") }
        if case .compressorHold = c.fault {
            lines.append("compresscmd \(HoldCompressor(run: run).script)")
            lines.append("compressext .gz")
        }
        if c.delaycompress { lines.append("delaycompress") }
        if c.olddir { lines.append("olddir archive") }
        if c.createolddir { lines.append(c.su || c.userOwnedDirectory ? "createolddir 0755 \(user.name) \(user.group)" : "createolddir 0755") }
        if c.dateext { lines.append("dateext") }
        if c.su { lines.append("su \(user.name) \(user.group)") }
        if c.pidfile {
            for log in members { lines.append("pidfile \(pidfile(c, log, logs: logs, run: run))") }
            lines.append("signal \(c.signal)")
            lines.append("reopentimeout 1")
        }
        if c.maxtotalsize { lines.append("maxtotalsize 8k") }
        if c.shred { lines.append("shred") }
        if c.sharedscripts { lines.append("sharedscripts") }
        if c.mail { lines.append("mail sim@example.invalid") }
        let blockPre: Bool, blockPost: Bool
        if case .overlap(let pre) = c.fault { blockPre = pre; blockPost = !pre } else { blockPre = false; blockPost = false }
        if c.prerotate { lines += script("prerotate", run, blocking: blockPre) }
        if c.postrotate { lines += script("postrotate", run, blocking: blockPost) }
        lines.append("}")
        let indented: [String] = lines.map { (line: String) -> String in
            let keep: Bool = line == "}" || line.hasSuffix("{") || line.hasPrefix("    ")
            return keep ? line : "    " + line
        }
        return indented.joined(separator: "\n") + "\n"
    }

    /// The mail command of a `mail` case: `mail.sh -s SUBJECT ADDRESS`, the file on standard input, kept
    /// as RUN/mails/N; it fails (reading nothing) while RUN/mailfail exists. The inode of every standard
    /// input it gets (the file itself when it is mailed as it is) is added to RUN/mail-inodes.
    static func mailCommand(run: String) -> String {
        ["#!/bin/sh",
         "stat -L -c %i /dev/stdin >> \(run)/mail-inodes",
         "[ -e \(run)/mailfail ] && exit 1",
         "f=$(mktemp \(run)/mails/mail.XXXXXX) || exit 1",
         "cat > \"$f\"",
         ""].joined(separator: "\n")
    }

    static func pidfile(_ c: SimCase, _ log: SimCase.Log, logs: String, run: String) -> String {
        c.pidfileInLogDirectory ? "\(logs)/\(log.id).pid" : "\(run)/\(log.id).pid"
    }

    /// A script that records its run and, when `blocking`, holds its first invocation until the harness
    /// creates RUN/release (at most 15 s), having created RUN/inside.
    static func script(_ kind: String, _ run: String, blocking: Bool) -> [String] {
        var body = ["    \(kind)", "        echo \(kind) \"$1\" >> \(run)/scripts.out"]
        if blocking {
            body += ["        if mkdir \(run)/blocked 2>/dev/null; then",
                     "            touch \(run)/inside; i=0",
                     "            while [ ! -e \(run)/release ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done",
                     "        fi"]
        }
        return body + ["    endscript"]
    }
}
