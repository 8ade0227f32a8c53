#if canImport(Glibc)
import Glibc
#endif
import Testing
import RotationEngine

/// `LogPatterns.names`: whether logrotate's configuration names a path, as its glob would expand it.
@Suite struct LogPatternsTests {
    @Test func literalsAndGlobsNameWhatLogrotateWouldExpand() {
        let p = LogPatterns(["/var/log/wtmp", "/var/log/nginx/*.log", "/var/log//apt/term.log", "/srv/*/logs/app.log"])
        for path in ["/var/log/wtmp", "/var/log/nginx/access.log", "/var/log/apt/term.log", "/srv/a/logs/app.log"] {
            #expect(p.names(path), "\(path)")
        }
        // A `*` never crosses a `/`, never matches a leading dot, and a literal names only itself.
        for path in ["/var/log/wtmp.1", "/var/log/nginx/sub/access.log", "/var/log/nginx/.hidden.log",
                     "/srv/a/b/logs/app.log", "/var/log/btmp", "/var/log/nginx/access.log.1"] {
            #expect(!p.names(path), "\(path)")
        }
        #expect(LogPatterns([]).isEmpty && !LogPatterns([]).names("/var/log/wtmp"))
    }

    /// Against fnmatch(3) with FNM_PATHNAME | FNM_PERIOD on whole paths, for generated patterns and paths.
    @Test func agreesWithFnmatchOnWholePaths() {
        let parts = ["a", "b.log", "*", "*.log", "a?", "[ab]", ".x"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let depth = Int.random(in: 1...3, using: &rng)
            let pattern = "/" + (0..<depth).map { _ in parts.randomElement(using: &rng) ?? "a" }.joined(separator: "/")
            let path = "/" + (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                ["a", "b.log", "ab", "x.log", ".x", "b"].randomElement(using: &rng) ?? "a" }.joined(separator: "/")
            let expected = fnmatch(pattern, path, FNM_PATHNAME | FNM_PERIOD) == 0
            #expect(LogPatterns([pattern]).names(path) == expected, "\(pattern) \(path)")
        }
    }
}
