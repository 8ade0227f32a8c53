#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

extension SystemFaults {
    /// The rules of `ROTATECTL_FAIL` and its aliases `ROTATECTL_SYNCFS_FAIL_AT` and
    /// `ROTATECTL_SETEUID_FAIL_AT`; empty in release builds. Bad rules are reported on standard error
    /// (once: this runs once per process) and left out.
    static func environmentRules() -> [Rule] {
        #if ROTATECTL_FAULT_INJECTION
        var rules: [Rule] = []
        var problems: [String] = []
        if let text = ProcessEnvironment.value("ROTATECTL_FAIL") {
            let parsed = parse(text)
            rules += parsed.rules
            problems += parsed.problems
        }
        for (variable, call, errno) in [("ROTATECTL_SYNCFS_FAIL_AT", "syncfs", Errno.ioError),
                                        ("ROTATECTL_SETEUID_FAIL_AT", "seteuid", Errno.notPermitted)] {
            guard let text = ProcessEnvironment.value(variable) else { continue }
            if let n = Int(text), n > 0 {
                rules.append(Rule(call, errno, occurrence: .nth(n)))
            } else {
                problems.append("\(variable)=\(text): not a positive number")
            }
        }
        for p in problems { StandardError.write("rotatectl: fault injection: ignored: \(p)") }
        return rules
        #else
        return []
        #endif
    }

    /// Parses `CALL:ERRNO:N|*[:PATHSUFFIX],...`: the rules, and a problem for each bad one. The path
    /// suffix is the rest of the rule, colons included.
    public static func parse(_ text: String) -> (rules: [Rule], problems: [String]) {
        var rules: [Rule] = []
        var problems: [String] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: true) {
            let fields = item.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].isEmpty else {
                problems.append("\(item): expected CALL:ERRNO:N or CALL:ERRNO:* (and an optional :PATHSUFFIX)")
                continue
            }
            guard let errno = errno(named: String(fields[1])) else {
                problems.append("\(item): unknown errno \(fields[1]) (a name of errno(3), such as EIO)")
                continue
            }
            let occurrence: Occurrence
            if fields[2] == "*" {
                occurrence = .every
            } else if let n = Int(fields[2]), n > 0 {
                occurrence = .nth(n)
            } else {
                problems.append("\(item): occurrence \(fields[2]) is neither a positive number nor *")
                continue
            }
            let suffix = fields.count > 3 && !fields[3].isEmpty ? String(fields[3]) : nil
            rules.append(Rule(String(fields[0]), errno, occurrence: occurrence, pathSuffix: suffix))
        }
        return (rules, problems)
    }

    /// The errno named as in errno(3) (`EIO`), or given as a number.
    public static func errno(named name: String) -> Errno? {
        if let code = errnoNames.first(where: { $0.name == name })?.code { return Errno(rawValue: code) }
        if let n = Int32(name), n > 0 { return Errno(rawValue: n) }
        return nil
    }

    /// The name errno(3) gives `errno`, nil for one not in the table.
    public static func errnoName(_ errno: Errno) -> String? {
        errnoNames.first(where: { $0.code == errno.rawValue })?.name
    }

    /// The errnos a test may want, by name (the first of two names for one value is the one shown).
    static let errnoNames: [(name: String, code: Int32)] = [
        ("EPERM", EPERM), ("ENOENT", ENOENT), ("ESRCH", ESRCH), ("EINTR", EINTR), ("EIO", EIO),
        ("ENXIO", ENXIO), ("E2BIG", E2BIG), ("ENOEXEC", ENOEXEC), ("EBADF", EBADF), ("ECHILD", ECHILD),
        ("EAGAIN", EAGAIN), ("EWOULDBLOCK", EWOULDBLOCK), ("ENOMEM", ENOMEM), ("EACCES", EACCES),
        ("EFAULT", EFAULT), ("EBUSY", EBUSY), ("EEXIST", EEXIST), ("EXDEV", EXDEV), ("ENODEV", ENODEV),
        ("ENOTDIR", ENOTDIR), ("EISDIR", EISDIR), ("EINVAL", EINVAL), ("ENFILE", ENFILE),
        ("EMFILE", EMFILE), ("ENOTTY", ENOTTY), ("ETXTBSY", ETXTBSY), ("EFBIG", EFBIG),
        ("ENOSPC", ENOSPC), ("ESPIPE", ESPIPE), ("EROFS", EROFS), ("EMLINK", EMLINK), ("EPIPE", EPIPE),
        ("ERANGE", ERANGE), ("EDEADLK", EDEADLK), ("ENAMETOOLONG", ENAMETOOLONG), ("ENOLCK", ENOLCK),
        ("ENOSYS", ENOSYS), ("ENOTEMPTY", ENOTEMPTY), ("ELOOP", ELOOP), ("EOVERFLOW", EOVERFLOW),
        ("EOPNOTSUPP", EOPNOTSUPP), ("ENOTSUP", ENOTSUP), ("ETIMEDOUT", ETIMEDOUT), ("ESTALE", ESTALE),
        ("EDQUOT", EDQUOT), ("ECANCELED", ECANCELED), ("ENODATA", ENODATA), ("ENOLINK", ENOLINK),
    ]
}
