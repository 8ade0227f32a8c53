#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import Testing
@testable import RotationEngine
import TestSupport

/// The numbers of the `line N` lines of a text, in order; any other line is returned as -1.
func lineNumbers(_ bytes: [UInt8]) -> [Int] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map { line in
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("line ") else { return -1 }
        return Int(text.dropFirst(5)) ?? -1
    }
}

/// `line 1\n` ... `line N\n`.
func expectedLines(_ count: Int) -> [UInt8] {
    count > 0 ? Array(Harness.lines("line", 1...count).utf8) : []
}

enum Paths {
    static var exampleWriter: String { PackagePaths.product("example-writer") }
    static var pythonWriter: String { PackagePaths.root + "/examples/writers/python/writer.py" }
    static var shellWriter: String { PackagePaths.root + "/examples/writers/shell/writer.sh" }
    static let python: String = {
        let candidates: [String] = ["/usr/bin/python3", "/usr/local/bin/python3"]
        return candidates.first { access($0, X_OK) == 0 } ?? "/usr/bin/python3"
    }()
}

/// Directories on particular file systems for the copytruncate tests. Root mounts one when the machine
/// has none ready: an ext4 loop image, a tmpfs.
enum FileSystems {
    /// Whether `FALLOC_FL_COLLAPSE_RANGE` works in `dir`, tried on a scratch file.
    static func canCollapse(_ dir: String) -> Bool {
        let probe = dir + "/.rotatectl-collapse-probe-\(getpid())"
        let fd = open(probe, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd); unlink(probe) }
        let block = [UInt8](repeating: 0x41, count: 65536)
        guard block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == 65536 else { return false }
        return rotatectl_fallocate_collapse(fd, 0, 4096) == 0
    }

    /// Whether `dir` is a tmpfs mount point, from `/proc/self/mounts`.
    static func isTmpfs(_ dir: String) -> Bool {
        (ProcFS.read("/proc/self/mounts") ?? "").split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == dir && fields[2] == "tmpfs"
        }
    }

    /// A scratch directory where collapse works, and how to clean it up.
    static func collapseCapable() -> (TempDirectory, () -> Void)? {
        if canCollapse("/tmp") {
            let scratch = TempDirectory()
            return (scratch, { scratch.remove() })
        }
        let holder = TempDirectory()
        let image = holder.child("fs.img"), mountPoint = holder.child("mnt")
        mkdir(mountPoint, 0o755)
        guard SpawnedProcess.run(["/usr/bin/truncate", "-s", "64M", image]) == 0,
              SpawnedProcess.run(["/usr/sbin/mkfs.ext4", "-q", "-F", image], output: holder.child("mkfs.out")) == 0,
              SpawnedProcess.run(["/usr/bin/mount", "-o", "loop", image, mountPoint]) == 0 else {
            holder.remove()
            return nil
        }
        let scratch = TempDirectory("rotatectl-it", under: mountPoint)
        return (scratch, { _ = SpawnedProcess.run(["/usr/bin/umount", mountPoint]); holder.remove() })
    }

    /// A scratch directory on tmpfs (which cannot collapse), and how to clean it up.
    static func tmpfs() -> (TempDirectory, () -> Void)? {
        if isTmpfs("/dev/shm") {
            let scratch = TempDirectory("rotatectl-it", under: "/dev/shm")
            return (scratch, { scratch.remove() })
        }
        let holder = TempDirectory()
        guard SpawnedProcess.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", holder.path]) == 0 else {
            holder.remove()
            return nil
        }
        let scratch = TempDirectory("rotatectl-it", under: holder.path)
        return (scratch, { _ = SpawnedProcess.run(["/usr/bin/umount", holder.path]); holder.remove() })
    }
}
