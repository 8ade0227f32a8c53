#if canImport(Glibc)
import Glibc
#endif

/// The names skipped when a directory of configuration files is read: logrotate's `tabooext` and
/// `taboopat` lists, matched with `fnmatch(FNM_PERIOD)` so a leading dot is never matched by `*`.
struct TabooList: Sendable, Equatable {
    /// logrotate 3.21's built-in extensions (config.c; the man page omits `.bak` and `.dpkg-tmp`).
    static let defaultExtensions = [
        ",v", ".bak", ".cfsaved", ".disabled", ".dpkg-bak", ".dpkg-del", ".dpkg-dist", ".dpkg-new", ".dpkg-old",
        ".dpkg-tmp", ".rhn-cfg-tmp-*", ".rpmnew", ".rpmorig", ".rpmsave", ".swp", ".ucf-dist", ".ucf-new",
        ".ucf-old", "~",
    ]

    var patterns: [String] = TabooList.defaultExtensions.map { "*" + $0 }

    func isTaboo(_ name: String) -> Bool {
        if name == "." || name == ".." { return true }
        return patterns.contains { Glob.matches($0, name) }
    }

    /// `tabooext [+] list` (`asExtensions`) or `taboopat [+] list`: items separated by blanks or commas;
    /// a leading `+` adds to the list, otherwise it is replaced.
    mutating func apply(_ value: String, asExtensions: Bool) {
        var rest = Substring(value)
        if rest.hasPrefix("+") {
            rest = rest.dropFirst()
        } else {
            patterns = []
        }
        let items = rest.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
        for item in items where !item.isEmpty {
            patterns.append(asExtensions ? "*" + item : String(item))
        }
    }
}
