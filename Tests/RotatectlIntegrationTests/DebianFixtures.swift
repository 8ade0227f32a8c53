import Foundation
import TestSupport

/// The files Debian's packages ship in /etc/logrotate.d (`Fixtures/debian-logrotate.d/PACKAGE/FILE`,
/// made by scripts/fetch-debian-logrotate-configs.sh), and how a test stages one package as a machine
/// with it installed would have it, under a temporary root: the logs its patterns name (with their
/// directories, and `olddir`), owned by its `su` user where it has one, as the package's postinst makes them.
enum DebianFixtures {
    static let fixtures = PackagePaths.root + "/Tests/RotationEngineTests/Fixtures"
    static let directory = fixtures + "/debian-logrotate.d"
    /// logrotate's own /etc/logrotate.conf, which includes /etc/logrotate.d.
    static let mainConfig = fixtures + "/debian-logrotate.conf"
    static let scriptKeywords: Set<String> = ["prerotate", "postrotate", "firstaction", "lastaction", "preremove"]

    static func packages() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { isDirectory(directory + "/" + $0) }.sorted()
    }

    /// A package's files, relative to its directory, subdirectories' files included (awstats ships
    /// /etc/logrotate.d/httpd-prerotate/, a directory of scripts logrotate skips).
    static func files(of package: String) -> [String] {
        let base = directory + "/" + package
        let all = FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []
        return all.filter { !isDirectory(base + "/" + $0) }.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// One line's words, as logrotate splits a directive's line.
    static func words(_ line: Substring) -> [Substring] { line.split(whereSeparator: { $0 == " " || $0 == "\t" }) }

    /// The text with every absolute log path (patterns and `olddir`) under `root`, and every script's body
    /// replaced by one line that appends the script's name and arguments to `out`: the same rewriting for
    /// both tools, so that no package's script (invoke-rc.d, systemctl, kill, find -delete) touches this
    /// machine, while when and with what each script runs is still compared.
    static func rewrite(_ text: String, root: String, out: String) -> String {
        var lines: [String] = []
        var inScript = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let w = words(line)
            let first = w.first.map(String.init) ?? ""
            if inScript {
                if first.hasPrefix("endscript") { inScript = false; lines.append(String(line)) }
                continue
            }
            if scriptKeywords.contains(first) {
                inScript = true
                lines.append(String(line))
                lines.append("\techo \"\(first) $*\" >> \(out)")
            } else if first.hasPrefix("#") {
                lines.append(String(line))
            } else if first.first?.isLetter == true {
                if first == "olddir", w.count > 1, w[1].hasPrefix("/") {
                    lines.append(line.replacingOccurrences(of: " " + w[1], with: " " + root + w[1]))
                } else {
                    lines.append(String(line))
                }
            } else {
                lines.append(prefixPaths(String(line), root))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A pattern line with `root` before each word (or quoted word) that starts with `/`.
    static func prefixPaths(_ line: String, _ root: String) -> String {
        var result = ""
        var previous: Character = " "
        for c in line {
            if c == "/" && (previous == " " || previous == "\t" || previous == "\"") { result += root }
            result.append(c)
            previous = c
        }
        return result
    }

    /// A block of a file: its absolute patterns, its `su` user and group, its `olddir`.
    struct Block { var patterns: [String] = []; var su: (user: String, group: String)?; var oldDir: String? }

    static func blocks(_ text: String) -> [Block] {
        var result: [Block] = []
        var current = Block(), globalSU: (user: String, group: String)? = nil, globalOldDir: String? = nil
        var inScript = false, inBlock = false
        for line in text.split(separator: "\n") {
            let w = words(line)
            guard let first = w.first.map(String.init), !first.hasPrefix("#") else { continue }
            if inScript { inScript = !first.hasPrefix("endscript"); continue }
            if scriptKeywords.contains(first) { inScript = true; continue }
            let directive = first.first?.isLetter == true
            if directive && first == "su" && w.count >= 3 {
                if inBlock { current.su = (String(w[1]), String(w[2])) } else { globalSU = (String(w[1]), String(w[2])) }
            }
            if directive && first == "olddir" && w.count >= 2 {
                if inBlock { current.oldDir = String(w[1]) } else { globalOldDir = String(w[1]) }
            }
            if inBlock {
                if !directive && line.contains("}") { result.append(current); inBlock = false }
                continue
            }
            if directive { continue }
            let head = line.split(separator: "{", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for word in words(head) {
                let path = word.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if path.hasPrefix("/") { current.patterns.append(path) }
            }
            if line.contains("{") {
                inBlock = true
                current.su = globalSU
                current.oldDir = globalOldDir
            }
        }
        return result
    }

    /// A name the pattern matches: `*` and `?` become `a`, a bracket its first member.
    static func concrete(_ pattern: String) -> String {
        var result = "", bracket: String? = nil
        for c in pattern {
            if var b = bracket {
                if c == "]" {
                    result += b.first.map { $0 == "!" || $0 == "^" ? "z" : String($0) } ?? "a"
                    bracket = nil
                } else { b.append(c); bracket = b }
            } else if c == "[" { bracket = "" } else if c == "*" || c == "?" { result += "a" } else { result.append(c) }
        }
        return result
    }

    /// The users and groups the packages' `su`, `create` and `createolddir` name, outside scripts.
    static func accountNames() -> (users: Set<String>, groups: Set<String>) {
        var users = Set<String>(), groups = Set<String>()
        for package in packages() {
            for file in files(of: package) where !file.contains("/") {
                let text = (try? String(contentsOfFile: directory + "/" + package + "/" + file, encoding: .isoLatin1)) ?? ""
                var inScript = false
                for line in text.split(separator: "\n") {
                    let w = words(line).map(String.init)
                    guard let first = w.first else { continue }
                    if inScript { inScript = !first.hasPrefix("endscript"); continue }
                    if scriptKeywords.contains(first) { inScript = true; continue }
                    var args = Array(w.dropFirst())
                    if first == "create" || first == "createolddir", args.first?.first?.isNumber == true { args.removeFirst() }
                    guard ["su", "create", "createolddir"].contains(first) else { continue }
                    if let u = args.first { users.insert(u) }
                    if args.count > 1 { groups.insert(args[1]) }
                }
            }
        }
        return (users, groups)
    }
}
