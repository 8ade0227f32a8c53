import Foundation
import Testing
@testable import RotationEngine
import TestSupport

/// Every file a Debian package ships in /etc/logrotate.d (`Fixtures/debian-logrotate.d/PACKAGE/FILE`, listed
/// with its package and version in its MANIFEST, made by scripts/fetch-debian-logrotate-configs.sh), read
/// as Debian reads it: included from logrotate's own /etc/logrotate.conf. The side-by-side runs against
/// logrotate are `DebianConfigDifferentialTests`.
@Suite("Debian packages' logrotate configurations") struct DebianConfigFixtureTests {
    static let fixtures = PackagePaths.root + "/Tests/RotationEngineTests/Fixtures"
    static let directory = fixtures + "/debian-logrotate.d"

    static func packages() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { isDirectory(directory + "/" + $0) }.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// Any user or group resolves: most packages' accounts (made by their postinst) are not on this machine.
    static let anyAccount = AccountResolver(
        uid: { name in AccountLookup.uid(name) ?? 20000 + UInt32(name.utf8.reduce(0) { ($0 &* 31 &+ UInt32($1)) % 10000 }) },
        gid: { name in AccountLookup.gid(name) ?? 20000 + UInt32(name.utf8.reduce(0) { ($0 &* 31 &+ UInt32($1)) % 10000 }) })

    /// The blocks of a file, counted without the parser: a line outside scripts and comments that is not a
    /// directive and holds a `{`.
    static func blockCount(_ text: String) -> Int {
        var count = 0, inScript = false
        for line in text.split(separator: "\n") {
            let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
            if inScript { inScript = !first.hasPrefix("endscript"); continue }
            if ["prerotate", "postrotate", "firstaction", "lastaction", "preremove"].contains(first) { inScript = true; continue }
            if first.hasPrefix("#") || first.first?.isLetter == true { continue }
            if line.contains("{") { count += 1 }
        }
        return count
    }

    @Test func manifestNamesEveryFile() throws {
        let manifest = try String(contentsOfFile: Self.directory + "/MANIFEST", encoding: .utf8)
        let rows = manifest.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.allSatisfy { $0.count == 4 })
        let listed = rows.map { $0[0] + "/" + $0[2] }.sorted()
        let present = Self.packages().flatMap { p in
            (FileManager.default.enumerator(atPath: Self.directory + "/" + p)?.allObjects as? [String] ?? [])
                .filter { !Self.isDirectory(Self.directory + "/" + p + "/" + $0) }.map { p + "/" + $0 }
        }.sorted()
        #expect(listed == present)
        #expect(Set(rows.map { $0[0] }).count == Self.packages().count && Self.packages().count >= 300)
    }

    /// Each package's files as its installation leaves them: included from Debian's /etc/logrotate.conf.
    /// No error, no block dropped, every block read, and no warning (logrotate prints none for them; the
    /// override notes some have are notes, as logrotate's are).
    @Test func everyPackageParsesCleanUnderDebiansMainFile() throws {
        let main = try String(contentsOfFile: Self.fixtures + "/debian-logrotate.conf", encoding: .utf8)
        #expect(main.contains("include /etc/logrotate.d\n"))
        var sets = 0
        for package in Self.packages() {
            let dir = Self.directory + "/" + package
            let text = main.replacingOccurrences(of: "include /etc/logrotate.d", with: "include " + dir)
            let c = ConfigParser(asRoot: false, accounts: Self.anyAccount).parse(text: text, file: "/etc/logrotate.conf")
            #expect(c.diagnostics.filter { $0.severity != .note }.isEmpty, "\(package): \(c.diagnostics)")
            let files = c.filesRead.dropFirst()
            let expected = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !Self.isDirectory(dir + "/" + $0) }
            #expect(files.map { String($0.dropFirst(dir.count + 1)) }.sorted() == expected.sorted(), "\(package)")
            let blocks = try expected.reduce(0) { $0 + Self.blockCount(try String(contentsOfFile: dir + "/" + $1, encoding: .isoLatin1)) }
            #expect(c.logSets.count == blocks, "\(package): \(c.logSets.count) log sets for \(blocks) blocks")
            sets += c.logSets.count
        }
        #expect(sets > 350)
    }
}
