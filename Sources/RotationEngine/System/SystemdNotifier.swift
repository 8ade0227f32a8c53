#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: each message is one datagram sent to the `AF_UNIX` socket that
/// `NOTIFY_SOCKET` names (a leading `@` names an abstract socket), as systemd's protocol describes.
public struct SystemdNotifier: Sendable {
    /// The socket's address as `sun_path` holds it: a path's bytes, or a NUL then an abstract name.
    let address: [UInt8]

    public init?(socket: String?) {
        guard let socket, socket.hasPrefix("/") || socket.hasPrefix("@"), socket.utf8.count > 1 else { return nil }
        var bytes = FileNameEncoding.encode(socket)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return nil }
        address = bytes
    }

    /// The notifier of `NOTIFY_SOCKET`, or nil when the process was not started by systemd with one.
    public static func fromEnvironment() -> SystemdNotifier? {
        SystemdNotifier(socket: ProcessEnvironment.value("NOTIFY_SOCKET"))
    }

    /// Seconds between two `WATCHDOG=1` that systemd expects (`WATCHDOG_USEC`), when the watchdog is
    /// on for this process (`WATCHDOG_PID` absent or this pid).
    public static func watchdogInterval() -> Double? {
        guard let usec = ProcessEnvironment.value("WATCHDOG_USEC").flatMap({ Int64($0) }), usec > 0 else { return nil }
        if let pid = ProcessEnvironment.value("WATCHDOG_PID").flatMap({ Int32($0) }), pid != getpid() { return nil }
        return Double(usec) / 1e6
    }

    /// Sends `state` (`READY=1`, `WATCHDOG=1`, `STOPPING=1`, `STATUS=...`): `socket(AF_UNIX,
    /// SOCK_DGRAM)` and `sendto(2)`.
    public func send(_ state: String) throws(SystemError) {
        let name = FileNameEncoding.display(String(decoding: address.map { $0 == 0 ? UInt8(ascii: "@") : $0 }, as: UTF8.self))
        let fd = try system_call("socket", name) {
            socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        defer { _ = system_close(fd, name) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { path in
            for (i, b) in address.enumerated() where i < path.count { path[i] = b }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        // An abstract name is exactly its bytes; a path is followed by its NUL.
        let length = socklen_t(pathOffset + address.count + (address.first == 0 ? 0 : 1))
        let message = Array(state.utf8)
        _ = try system_call("sendto", name) {
            message.withUnsafeBytes { bytes in
                withUnsafePointer(to: &addr) { p in
                    p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
                }
            }
        }
    }
}
