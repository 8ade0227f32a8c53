import Foundation
@testable import RotationEngine

/// Helpers shared by the Config* suites.
enum ConfigTest {
    static let fixtures: String = {
        let here = String(#filePath)
        let dir = here[..<(here.lastIndex(of: "/") ?? here.endIndex)]
        return dir + "/Fixtures/configs"
    }()

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

/// A unique directory under /tmp, removed when released.
final class ConfigTempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/rotatectl-config-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let full = path + "/" + name
        let dir = (full as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: false, encoding: .utf8)
        chmod(full, mode_t(mode))
        return full
    }
}
