/// logrotate 3.21's command line, read as its popt table reads it: options and configuration paths in
/// any order, `--` ending the options, short flags combined (`-vf`, `-vfs STATE`, `-sSTATE`, `-s=STATE`),
/// long ones as `--state STATE` or `--state=STATE`, no abbreviation. `--help`, `-?`, `--usage` and
/// `--version` act where they stand; the first bad argument ends the parse.
struct LogrotateArguments: Equatable {
    var debug = false
    var force = false
    var verbose = false
    var mail: String?
    var state: String?
    var log: String?
    var skipStateLock = false
    var waitForStateLock = false
    var configs: [String] = []

    /// What the command line asks for.
    enum Request: Equatable {
        case run(LogrotateArguments)
        case help, usage, version
        /// popt's `bad argument ARG`: an unknown option, a value given to a flag, a missing value.
        case badArgument(String)
    }

    /// logrotate's options; the flags set a field, `mail`, `state` and `log` take a value.
    private enum Option: Sendable {
        case debug, force, verbose, skipStateLock, waitForStateLock
        case mail, state, log
        case help, usage, version

        var takesValue: Bool { self == .mail || self == .state || self == .log }
    }

    private static let long: [String: Option] = [
        "debug": .debug, "force": .force, "verbose": .verbose, "mail": .mail, "state": .state, "log": .log,
        "skip-state-lock": .skipStateLock, "wait-for-state-lock": .waitForStateLock,
        "help": .help, "usage": .usage, "version": .version,
    ]

    private static let short: [Character: Option] = [
        "d": .debug, "f": .force, "v": .verbose, "m": .mail, "s": .state, "l": .log, "?": .help,
    ]

    /// Records `option` (with its value); the request it ends the parse with, if it does.
    private mutating func apply(_ option: Option, _ value: String?) -> Request? {
        switch option {
        case .debug: debug = true
        case .force: force = true
        case .verbose: verbose = true
        case .skipStateLock: skipStateLock = true
        case .waitForStateLock: waitForStateLock = true
        case .mail: mail = value
        case .state: state = value
        case .log: log = value
        case .help: return .help
        case .usage: return .usage
        case .version: return .version
        }
        return nil
    }

    static func parse(_ argv: [String]) -> Request {
        var parsed = LogrotateArguments()
        var i = 0
        var optionsEnded = false
        /// An option's value: the one attached to it, else the next argument; nil when there is none.
        func value(_ attached: String?) -> String? {
            if let attached { return attached }
            guard i < argv.count else { return nil }
            defer { i += 1 }
            return argv[i]
        }
        while i < argv.count {
            let arg = argv[i]
            i += 1
            if optionsEnded || arg == "-" || !arg.hasPrefix("-") {
                parsed.configs.append(arg)
            } else if arg == "--" {
                optionsEnded = true
            } else if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
                guard let option = long[name], option.takesValue || inline == nil else { return .badArgument(arg) }
                var given: String? = nil
                if option.takesValue {
                    guard let v = value(inline) else { return .badArgument(arg) }
                    given = v
                }
                if let request = parsed.apply(option, given) { return request }
            } else {
                var rest = Substring(arg.dropFirst())
                while let c = rest.first {
                    rest = rest.dropFirst()
                    guard let option = short[c] else { return .badArgument(arg) }
                    var given: String? = nil
                    if option.takesValue {
                        // The rest of the group is the value (`-sFILE`, `-s=FILE`), else the next argument.
                        if rest.first == "=" { rest = rest.dropFirst() }
                        guard let v = value(rest.isEmpty ? nil : String(rest)) else { return .badArgument(arg) }
                        given = v
                        rest = ""
                    }
                    if let request = parsed.apply(option, given) { return request }
                }
            }
        }
        return .run(parsed)
    }
}
