import Foundation
import Testing
import TestSupport
import RotationEngine

/// The man pages render and lint clean with groff and mandoc, and document every subcommand and directive.
@Suite struct ManPageTests {
    static let pages = ["man/rotatectl.8", "man/rotatectl.conf.5"]

    @Test(arguments: pages)
    func lintsClean(_ page: String) {
        let path = PackagePaths.root + "/" + page
        let groff = Harness.run(["/usr/bin/groff", "-man", "-ww", "-z", path])
        #expect(groff.status == 0 && groff.stderr.isEmpty, "\(groff.stderr)")
        let mandoc = Harness.run(["/usr/bin/mandoc", "-Tlint", "-W", "warning", path])
        #expect(mandoc.status == 0 && mandoc.stdout.isEmpty && mandoc.stderr.isEmpty, "\(mandoc.stdout)\(mandoc.stderr)")
        let rendered = Harness.run(["/usr/bin/mandoc", "-Tutf8", path])
        #expect(rendered.status == 0 && rendered.stdout.count > 2000)
    }

    @Test func rotatectl8DocumentsTheContract() {
        let text = Harness.sh("mandoc -Tascii \(PackagePaths.root)/man/rotatectl.8 | col -bx").stdout
        for word in ["run", "check", "status", "lock", "cleanup", "--remove", "BESIDE LOGROTATE", "--force", "--dry-run", "--verbose", "--state", "--wait",
                     "--json", "--jobs", "--mail", "--log", "THE LOGROTATE NAME", "--skip-state-lock",
                     "--wait-for-state-lock", "--usage", "/var/lib/logrotate/status", "EXIT STATUS", "JSON OUTPUT", "FILES", "ENVIRONMENT", "EXAMPLES", "64"] {
            let found = text.contains(word)
            #expect(found, "rotatectl(8) lacks \(word)")
        }
    }

    @Test func rotatectlConf5DocumentsEveryExtension() {
        let text = (try? String(contentsOfFile: PackagePaths.root + "/man/rotatectl.conf.5", encoding: .utf8)) ?? ""
        for word in ["pidfile", "signal", "maxtotalsize", "scripttimeout", "reopentimeout", "compressformat", "DIFFERENCES FROM LOGROTATE",
                     "STATE FILE", "CRASH SAFETY", "COPYTRUNCATE", "copytruncate", "delaycompress", "dateext"] {
            #expect(text.contains(word), "rotatectl.conf(5) lacks \(word)")
        }
    }

    /// Every event code the engine can emit is documented in rotatectl(8), and nothing else is.
    @Test func everyEventCodeIsDocumented() {
        let text = (try? String(contentsOfFile: PackagePaths.root + "/man/rotatectl.8", encoding: .utf8)) ?? ""
        guard let section = text.components(separatedBy: ".SH EVENT CODES\n").dropFirst().first?
            .components(separatedBy: "\n.SH ").first else {
            Issue.record("rotatectl(8) has no EVENT CODES section")
            return
        }
        let documented = Set(section.split(separator: "\n").filter { $0.hasPrefix(".B ") }.map { String($0.dropFirst(3)) })
        let codes = Set(EventCode.allCases.map(\.rawValue))
        #expect(codes.subtracting(documented).isEmpty, "undocumented: \(codes.subtracting(documented).sorted())")
        #expect(documented.subtracting(codes).subtracting(["run \\-\\-json"]).isEmpty, "documented but unknown: \(documented.subtracting(codes).sorted())")
    }
}
