import Foundation
import Testing
import TestSupport

/// `mail` against the real logrotate 3.21, both with the same fake mail command (`-m`): the same files
/// mailed, under the same subjects, with the same (uncompressed) content, and the same trees left.
@Suite(.serialized) struct DifferentialMailTests {
    @Test(arguments: DifferentialMailTests.scenarios)
    func mail(_ s: DiffScenario) throws { try Differential.check(s) }

    static let scenarios: [DiffScenario] = [
        DiffScenario(name: "maillast mails the generation removed", config: block("rotate 2\nmail ops@example.org"),
                     files: [.file("app.log", "now\n"), .file("app.log.1", "one\n"), .file("app.log.2", "two\n")],
                     force: true, mail: true),
        DiffScenario(name: "maillast with compress mails it uncompressed", config: block("rotate 1\ncompress\nmail ops@example.org"),
                     files: [.file("app.log", "now\n")], force: true, runs: 3, appendBetweenRuns: ["app.log"], mail: true),
        DiffScenario(name: "maillast with delaycompress", config: block("rotate 1\ncompress\ndelaycompress\nmail ops@example.org"),
                     files: [.file("app.log", "now\n")], force: true, runs: 3, appendBetweenRuns: ["app.log"], mail: true),
        DiffScenario(name: "mailfirst with compress names the log", config: block("rotate 1\ncompress\nmail ops@example.org\nmailfirst"),
                     files: [.file("app.log", "now\n")], force: true, runs: 2, appendBetweenRuns: ["app.log"], mail: true),
        DiffScenario(name: "mailfirst with delaycompress", config: block("rotate 2\ncompress\ndelaycompress\nmail ops@example.org\nmailfirst"),
                     files: [.file("app.log", "now\n")], force: true, runs: 2, appendBetweenRuns: ["app.log"], mail: true),
        DiffScenario(name: "mailfirst without compress", config: block("rotate 1\nmail ops@example.org\nmailfirst"),
                     files: [.file("app.log", "now\n"), .file("app.log.1", "one\n")], force: true, mail: true),
        DiffScenario(name: "rotate 0 with compress", config: block("rotate 0\ncompress\nmail ops@example.org"),
                     files: [.file("app.log", "now\n")], force: true, mail: true),
        DiffScenario(name: "rotate 0 mailfirst with compress", config: block("rotate 0\ncompress\nmail ops@example.org\nmailfirst"),
                     files: [.file("app.log", "now\n")], force: true, mail: true),
        DiffScenario(name: "dateext mails the oldest", config: block("rotate 1\ndateext\nmail ops@example.org"),
                     files: [.file("app.log", "now\n"), .file("app.log-20200101", "old\n")], force: true, mail: true),
        DiffScenario(name: "nomail", config: block("rotate 1\nmail ops@example.org\nnomail"),
                     files: [.file("app.log", "now\n"), .file("app.log.1", "one\n")], force: true, mail: true),
    ]
}
