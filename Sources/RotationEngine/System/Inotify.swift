#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

/// One inotify instance (`inotify_init1(IN_NONBLOCK | IN_CLOEXEC)`): a watch per directory, read as
/// a batch of `InotifyEvent`s. Closed when released.
public final class Inotify {
    let fd: Int32
    /// Where events are read into: one buffer for the instance's life, so a flood allocates nothing.
    private let buffer: UnsafeMutableRawBufferPointer

    public init() throws(SystemError) {
        fd = try system_call("inotify_init1", "inotify") { rotatectl_inotify_init() }
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
    }

    deinit {
        _ = system_close(fd, "inotify")
        buffer.deallocate()
    }

    /// `inotify_add_watch(path, mask)`: the watch descriptor (the same one when the directory is
    /// already watched, as the kernel keeps one per inode).
    public func addWatch(_ path: String, mask: InotifyEvent.Mask) throws(SystemError) -> Int32 {
        try system_call("inotify_add_watch", path) {
            FileNameEncoding.withCString(path) { inotify_add_watch(fd, $0, mask.rawValue) }
        }
    }

    /// `inotify_rm_watch`; a watch the kernel already dropped (its directory removed) is not an error.
    public func removeWatch(_ wd: Int32) {
        _ = system_retry("inotify_rm_watch", "inotify") { inotify_rm_watch(fd, wd) }
    }

    /// Waits up to `seconds` (nil: without limit) for events (`ppoll`), or for `wake` to be signalled,
    /// with SIGHUP, SIGTERM and SIGINT unblocked for the wait alone. True when events can be read, false
    /// on timeout, a signal or a wake alone.
    public func wait(seconds: Double?, wake: WakeEvent? = nil) throws(SystemError) -> Bool {
        let ms: Int32 = seconds.map { Int32(min(max(0, ($0 * 1000).rounded(.up)), 86_400_000)) } ?? -1
        // Not `system_retry`: EINTR is the point here (a signal's flag is to be read), never retried.
        #if ROTATECTL_FAULT_INJECTION
        if let forced = SystemFaults.forcedErrno("ppoll", "inotify"), forced != .interrupted {
            throw SystemError("ppoll", path: "inotify", errno: forced)
        }
        #endif
        let n = rotatectl_ppoll_watch(fd, wake?.fd ?? -1, ms)
        if n >= 0 { return n & 1 != 0 }
        let e = Errno(rawValue: rotatectl_errno())
        if e == .interrupted { return false }
        throw SystemError("ppoll", path: "inotify", errno: e)
    }

    /// Reads every event queued now (`read` until EAGAIN) and hands each to `each`.
    public func drain(_ each: (InotifyEvent) -> Void) throws(SystemError) {
        let header = MemoryLayout<inotify_event>.size
        while true {
            let n: Int
            switch system_retry("read", "inotify", { Glibc.read(fd, buffer.baseAddress, buffer.count) }) {
            case .success(let count): n = count
            case .failure(.resourceTemporarilyUnavailable): return
            case .failure(let e): throw SystemError("read", path: "inotify", errno: e)
            }
            guard n > 0, let base = buffer.baseAddress else { return }
            var offset = 0
            while offset + header <= n {
                let raw = base + offset
                let wd = raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
                var name = ""
                if length > 0, offset + header + length <= n {
                    let bytes = UnsafeBufferPointer(start: (raw + header).assumingMemoryBound(to: UInt8.self), count: length)
                    let end = bytes.firstIndex(of: 0) ?? length
                    name = FileNameEncoding.decode(UnsafeBufferPointer(rebasing: bytes[0..<end]))
                }
                each(InotifyEvent(watch: wd, mask: InotifyEvent.Mask(rawValue: mask), name: name))
                offset += header + length
            }
        }
    }
}

/// One event: the watch it came from, what happened, and the name in the watched directory ("" for
/// the directory itself or an overflow).
public struct InotifyEvent: Sendable, Equatable {
    public var watch: Int32
    public var mask: Mask
    public var name: String

    public init(watch: Int32, mask: Mask, name: String) { self.watch = watch; self.mask = mask; self.name = name }

    /// inotify's event bits (`<sys/inotify.h>`, a stable kernel ABI).
    public struct Mask: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let modify = Mask(rawValue: 0x0000_0002)
        public static let closeWrite = Mask(rawValue: 0x0000_0008)
        public static let movedFrom = Mask(rawValue: 0x0000_0040)
        public static let movedTo = Mask(rawValue: 0x0000_0080)
        public static let create = Mask(rawValue: 0x0000_0100)
        public static let delete = Mask(rawValue: 0x0000_0200)
        public static let deleteSelf = Mask(rawValue: 0x0000_0400)
        public static let moveSelf = Mask(rawValue: 0x0000_0800)
        public static let queueOverflow = Mask(rawValue: 0x0000_4000)
        public static let ignored = Mask(rawValue: 0x0000_8000)
        public static let onlyDirectory = Mask(rawValue: 0x0100_0000)
        public static let excludeUnlinked = Mask(rawValue: 0x0400_0000)
        public static let isDirectory = Mask(rawValue: 0x4000_0000)

        /// What a log directory is watched for: writes, names appearing and going, and the directory
        /// itself going away.
        public static let logDirectory: Mask = [.modify, .closeWrite, .movedFrom, .movedTo, .create, .delete,
                                                .deleteSelf, .moveSelf, .onlyDirectory, .excludeUnlinked]
    }
}
