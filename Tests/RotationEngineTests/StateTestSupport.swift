import Foundation
import Testing
@testable import RotationEngine

/// A fresh directory under /tmp (mkdtemp), removed by `remove()`.
struct StateTempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/rotatectl-state-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let result = mkdtemp(base) else { return nil }
            return String(cString: result)
        }
        guard let made else { throw SystemError("mkdtemp", path: "/tmp", errno: .init(rawValue: errno)) }
        path = made
    }

    func child(_ name: String) -> String { path + "/" + name }

    func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        #expect(FileManager.default.createFile(atPath: child(name), contents: Data(bytes)))
    }

    func read(_ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: child(name)).map { Array($0) } ?? []
    }

    func mode(_ name: String) -> UInt32 {
        var st = stat()
        guard stat(child(name), &st) == 0 else { return 0 }
        return UInt32(st.st_mode & 0o7777)
    }

    func inode(_ name: String) -> UInt64 {
        var st = stat()
        guard stat(child(name), &st) == 0 else { return 0 }
        return UInt64(st.st_ino)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Names a hostile configuration or directory listing could hand the state store.
enum HostileNames {
    static let all: [String] = [
        "/var/log/plain.log",
        "/var/log/with space.log",
        "/var/log/with \"quotes\".log",
        "/var/log/back\\slash.log",
        "/var/log/trailing-backslash\\",
        "/var/log/literal-backslash-n\\n.log",
        "/var/log/new\nline.log",
        "/var/log/\n",
        "/var/log/tab\there.log",
        "/var/log/cr\rhere.log",
        "/var/log/control\u{01}\u{1f}\u{7f}.log",
        "/var/log/nul\u{0}byte.log",
        "/var/log/caf\u{e9}-\u{65e5}\u{672c}-\u{1f600}.log",
        "/var/log/replacement-\u{fffd}.log",
        "/var/log/'single' quotes.log",
        "/var/log/@1234 looks like epoch",
        "relative/path.log",
        "\"",
        " ",
    ]
}
