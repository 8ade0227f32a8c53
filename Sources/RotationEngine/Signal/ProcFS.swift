
/// Small readers of `/proc`: process start times, boot time, fd flags.
enum ProcFS {
    /// The whole of a small file (`DirectoryHandle.readWholeFile(path:)`, at most `limit` bytes), nil if
    /// it cannot be read.
    static func read(_ path: String, limit: Int = 65536) -> String? {
        guard let file = try? DirectoryHandle.readWholeFile(path: path, limit: limit, beyondLimit: .truncate) else { return nil }
        return String(decoding: file.bytes, as: UTF8.self)
    }

    /// Fields of `/proc/PID/stat` after the command name (which may hold spaces and parentheses):
    /// index 0 is the state (field 3 of proc(5)).
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// The process state letter (`R`, `S`, `Z`, ...).
    static func state(_ pid: Int32) -> Character? {
        statFields(pid)?.first?.first
    }

    /// When the process started, in seconds since the epoch: `starttime` (field 22, clock ticks since
    /// boot) divided by `CLK_TCK`, plus `btime` of `/proc/stat`.
    static func startTime(_ pid: Int32) -> Double? {
        guard let fields = statFields(pid), fields.count > 19, let ticks = Double(fields[19]),
              let boot = bootTime() else { return nil }
        let hz = HostLimits.clockTicksPerSecond
        guard hz > 0 else { return nil }
        return Double(boot) + ticks / hz
    }

    /// `btime` of `/proc/stat`: the boot time in seconds since the epoch.
    static func bootTime() -> Int64? {
        guard let text = read("/proc/stat") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Int64(line.dropFirst(6).trimmingSpaces())
        }
        return nil
    }

    /// The real and effective uids of a process (`Uid:` of `/proc/PID/status`), nil if gone.
    static func uids(_ pid: Int32) -> (real: UInt32, effective: UInt32)? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Uid:") {
            let fields = line.dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let real = UInt32(fields[0]), let effective = UInt32(fields[1]) else { return nil }
            return (real, effective)
        }
        return nil
    }

    /// The `flags:` line of `/proc/PID/fdinfo/FD` (octal open flags), nil if gone.
    static func fdFlags(pid: Int32, fd: Int32) -> Int32? {
        fdInfo(pid: pid, fd: fd)?.flags
    }

    /// The open flags of a descriptor and the inode they belong to (`ino:`, Linux 5.14 and later; nil
    /// before), from one read of `/proc/PID/fdinfo/FD`, so the two cannot come from two different files.
    static func fdInfo(pid: Int32, fd: Int32) -> (flags: Int32, inode: UInt64?)? {
        guard let text = read("/proc/\(pid)/fdinfo/\(fd)") else { return nil }
        var flags: Int32?
        var inode: UInt64?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("flags:") { flags = Int32(line.dropFirst(6).trimmingSpaces(), radix: 8) }
            if line.hasPrefix("ino:") { inode = UInt64(line.dropFirst(4).trimmingSpaces()) }
        }
        return flags.map { ($0, inode) }
    }

    /// The numeric entries of a `/proc` directory (pids, or fd numbers).
    static func numericEntries(_ path: String) -> [Int32] {
        guard let dir = try? DirectoryHandle.open(path), let names = try? dir.entries() else { return [] }
        return names.compactMap { Int32($0) }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s = s.dropLast() }
        return s
    }
}
