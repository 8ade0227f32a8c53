import Foundation
import Testing
@testable import RotationEngine
import TestSupport

@Suite("ConfigParser fixtures and this machine's logrotate configuration") struct ConfigFixtureTests {
    static let packageFiles = ["alternatives", "apache2", "apt", "btmp", "dpkg", "mysql-server", "nginx",
                               "rotatectl-app", "rsyslog", "samba", "ufw", "unattended-upgrades", "wtmp"]

    @Test func debianPackageConfigsParseClean() throws {
        let dir = ConfigTest.fixtures + "/logrotate.d"
        let c = ConfigParser(asRoot: false).parse(paths: [dir])
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics)")
        #expect(c.filesRead == Self.packageFiles.map { dir + "/" + $0 })

        let rsyslog = try #require(c.logSets.first { $0.patterns.first == "/var/log/syslog" })
        #expect(rsyslog.patterns.count == 13)
        #expect(rsyslog.rotate == 4 && rsyslog.frequency == .weekly(weekday: 0) && rsyslog.sharedScripts)
        #expect(rsyslog.postRotate?.text == "\t\t/usr/lib/rsyslog/rsyslog-rotate\n")

        let nginx = try #require(c.logSets.first { $0.patterns == ["/var/log/nginx/*.log"] })
        #expect(nginx.create == CreateSpec(mode: 0o640, uid: 33, gid: 4))
        #expect(nginx.frequency == .daily && nginx.rotate == 14 && nginx.compress && nginx.delayCompress && !nginx.ifEmpty)
        #expect(nginx.preRotate?.text.contains("run-parts /etc/logrotate.d/httpd-prerotate; \\\n") == true)

        let wtmp = try #require(c.logSets.first { $0.patterns == ["/var/log/wtmp"] })
        #expect(wtmp.minSize == Int64(1024 * 1024) && wtmp.frequency == .monthly && wtmp.create == CreateSpec(mode: 0o664, uid: 0, gid: 43))

        let mysql = try #require(c.logSets.first { $0.patterns.first == "/var/log/mysql/mysql.log" })
        #expect(mysql.patterns.count == 4)
        #expect(mysql.postRotate?.text.contains("# If this fails, check debian.conf!") == true)

        let samba = c.logSets.filter { $0.patterns.first?.hasPrefix("/var/log/samba/") == true }
        #expect(samba.count == 2)

        let app = try #require(c.logSets.first { $0.patterns.first == "/var/log/my app/access.log" })
        #expect(app.size == Int64(50 * 1024 * 1024) && app.maxTotalSize == Int64(1024 * 1024 * 1024))
        #expect(app.compressCommand == "/usr/bin/zstd" && app.effectiveCompressExtension == ".zst")
        #expect(app.compressOptions == ["-T0", "--long"])
        #expect(app.pidFiles == ["/run/myapp.pid", "/run/myapp-worker.pid"])
        #expect(app.signal == 10 && app.scriptTimeout == 60 && app.reopenTimeout == 2.5)
        #expect(app.dateExt && app.dateFormat == "-%Y%m%d-%s")
    }

    /// A copy of the fixture tree whose main file includes the copy's logrotate.d, as Debian's does /etc's.
    func mainConfigCopy(_ dir: TempDirectory) throws -> String {
        let main = try String(contentsOfFile: ConfigTest.fixtures + "/logrotate.conf", encoding: .utf8)
        #expect(main.contains("include /etc/logrotate.d\n"))
        for name in Self.packageFiles where name != "rotatectl-app" {
            let text = try String(contentsOfFile: ConfigTest.fixtures + "/logrotate.d/" + name, encoding: .utf8)
            dir.write("logrotate.d/" + name, text)
        }
        return dir.write("logrotate.conf", main.replacingOccurrences(of: "/etc/logrotate.d", with: dir.path + "/logrotate.d"))
    }

    @Test func mainConfigWithIncludeAppliesGlobals() throws {
        let dir = TempDirectory("rotatectl-config")
        let c = ConfigParser(asRoot: false).parse(paths: [try mainConfigCopy(dir)])
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics)")
        let apt = try #require(c.logSets.first { $0.patterns == ["/var/log/apt/term.log"] })
        // From the main file: weekly (overridden by monthly), rotate 4 (overridden), create.
        #expect(apt.create == CreateSpec() && apt.frequency == .monthly && apt.rotate == 12)
        let ufw = try #require(c.logSets.first { $0.patterns == ["/var/log/ufw.log"] })
        #expect(ufw.create == CreateSpec())
        let btmp = try #require(c.logSets.first { $0.patterns == ["/var/log/btmp"] })
        #expect(btmp.create == CreateSpec(mode: 0o660, uid: 0, gid: 43) && btmp.rotate == 1)
    }

    /// The rotation counts `logrotate -d` reports for each log set, in order.
    func logrotateRotationCounts(_ config: String, state: String) throws -> [Int] {
        let logrotate = "/usr/sbin/logrotate"
        #expect(FileManager.default.isExecutableFile(atPath: logrotate), "logrotate must be installed")
        let out = SpawnedProcess.capture([logrotate, "-d", "-s", state, config], mergingErrors: true).stdout
        // Configuration errors name FILE:LINE; errors about the logs themselves (not readable, say, when
        // not run as root) do not concern the parser.
        let fileLine = try Regex(":[0-9]+[ ,]")
        let configErrors = out.split(separator: "\n").filter { $0.contains("error:") && $0.contains(fileLine) }
        #expect(configErrors.isEmpty && !out.contains("found error"), "\(out)")
        // A pattern list may span lines, so look for each "(N rotations)" after "rotating pattern:".
        return out.components(separatedBy: "rotating pattern:").dropFirst().compactMap { chunk in
            guard let end = chunk.range(of: " rotations)"), let open = chunk[..<end.lowerBound].lastIndex(of: "(") else { return nil }
            return Int(chunk[chunk.index(after: open)..<end.lowerBound])
        }
    }

    @Test func sameLogSetsAsLogrotateOnTheFixtures() throws {
        let dir = TempDirectory("rotatectl-config")
        let main = try mainConfigCopy(dir)
        let ours = ConfigParser(asRoot: false).parse(paths: [main])
        let theirs = try logrotateRotationCounts(main, state: dir.path + "/state")
        #expect(theirs.count == 14)
        #expect(ours.logSets.map(\.rotate) == theirs)
    }

    @Test func thisMachinesLogrotateConfigurationParsesClean() throws {
        let main = "/etc/logrotate.conf"
        #expect(FileManager.default.fileExists(atPath: main), "logrotate must be installed: \(main) is missing")
        let dropIns = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/logrotate.d")) ?? []
        #expect(!dropIns.isEmpty, "/etc/logrotate.d must hold the packages' files")
        let c = ConfigParser().parse(paths: [main])
        #expect(c.errors.isEmpty, "\(c.errors)")
        #expect(c.droppedBlocks.isEmpty)
        #expect(c.filesRead.first == main)
        #expect(c.filesRead.contains { $0.hasPrefix("/etc/logrotate.d/") })
        #expect(!c.logSets.isEmpty)
        let dir = TempDirectory("rotatectl-config")
        let theirs = try logrotateRotationCounts(main, state: dir.path + "/state")
        #expect(c.logSets.map(\.rotate) == theirs)
    }

    @Test func eachDropInOfThisMachineParsesClean() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: "/etc/logrotate.d").sorted()
        #expect(!names.isEmpty)
        for name in names where !TabooList().isTaboo(name) {
            let c = ConfigParser().parse(paths: ["/etc/logrotate.d/" + name])
            #expect(c.errors.isEmpty, "\(name): \(c.errors)")
        }
    }
}
