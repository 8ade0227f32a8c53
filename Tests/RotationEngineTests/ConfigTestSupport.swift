import Foundation
@testable import RotationEngine
import TestSupport

/// Helpers shared by the Config* suites.
enum ConfigTest {
    static let fixtures = PackagePaths.root + "/Tests/RotationEngineTests/Fixtures/configs"

    static func parse(_ text: String, file: String = "/etc/test.conf") -> Configuration {
        ConfigParser(asRoot: false).parse(text: text, file: file)
    }

    /// The single log set of `/var/log/test.log { BODY }` parsed after `globals`.
    static func block(_ body: String, globals: String = "") -> (set: LogSetConfig?, config: Configuration) {
        let c = parse(globals + "\n/var/log/test.log {\n" + body + "\n}\n")
        return (c.logSets.first, c)
    }

    static func lines(_ c: Configuration) -> [Int] { c.errors.map(\.location.line) }
}
