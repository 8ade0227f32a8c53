/// How `compresscmd` and `compressoptions` are recognised as zstd's, and done in-process.
extension ZstdCompressor {
    /// The built-in compressor for `compresscmd`/`compressoptions` when they ask for plain zstd (`zstd`,
    /// `/usr/bin/zstd`, ...) with options `init?(options:jobs:)` understands; nil otherwise, in which
    /// case the caller runs the command with `ExternalCompressor`. `jobs` bounds the threads per file.
    public static func replacing(command: String, options: [String], jobs: Int = HostLimits.processorCount) -> ZstdCompressor? {
        guard command.split(separator: "/").last == "zstd" else { return nil }
        return ZstdCompressor(options: options, jobs: jobs)
    }

    /// The compressor `zstd OPTIONS` would be, or nil when an option is not one of: `-1`…`-19` (and
    /// `-20`…`-22` after `--ultra`; without it they are 19, as the CLI has them), `--fast[=N]`, `-T N`
    /// as `-TN` or `--threads=N` (at most N threads per file, 0 for all of `jobs`), `--long[=N]`,
    /// `-C`/`--check`, `--no-check`, `-q`, `-qq`, `-f`, `-c`, `-k`, `--no-progress` and their long
    /// forms. The last level given wins; none gives 3.
    public init?(options: [String], jobs: Int = HostLimits.processorCount) {
        var level = Self.defaultLevel
        var threads = 0
        var ultra = false
        var long: Int32? = nil
        var checksum = true
        for option in options {
            switch option {
            case "", "-q", "-qq", "--quiet", "-f", "--force", "-c", "--stdout", "-k", "--keep", "--no-progress":
                continue
            case "-C", "--check": checksum = true
            case "--no-check": checksum = false
            case "--ultra": ultra = true
            case "--long": long = Self.defaultLongWindowLog
            case "--fast": level = -1
            default:
                if let n = Self.number(option, after: "--long="), (10...31).contains(n) {
                    long = Int32(n)
                } else if let n = Self.number(option, after: "--fast="), n >= 1, n <= 1 << 17 {
                    level = -Int32(n)
                } else if let n = Self.number(option, after: "--threads=") ?? Self.number(option, after: "-T") {
                    threads = n
                } else if let n = Self.number(option, after: "-"), (1...22).contains(n) {
                    level = Int32(n)
                } else {
                    return nil
                }
            }
        }
        if !ultra { level = min(level, 19) }
        let perFile = threads == 0 ? jobs : min(threads, jobs)
        self.init(level: level, workers: perFile, longWindowLog: long, checksum: checksum)
    }

    /// The decimal number that follows `prefix` in `option`, nothing else; nil if there is none.
    private static func number(_ option: String, after prefix: String) -> Int? {
        guard option.hasPrefix(prefix) else { return nil }
        let digits = option.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
