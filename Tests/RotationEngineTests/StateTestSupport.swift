import Foundation
import Testing
@testable import RotationEngine

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
