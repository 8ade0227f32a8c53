#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RotationEngine
import Testing

/// A fresh directory (`mkdtemp`, mode 0755 as logrotate's safety rules want), removed with everything in
/// it by `remove()` or when released.
public final class TempDirectory: Sendable {
    public let path: String

    /// Makes `BASE/LABEL.XXXXXX`; should `mkdtemp` fail, a directory named after the process instead.
    public init(_ label: String = "rotatectl", under base: String = "/tmp") {
        var template = Array("\(base)/\(label).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        path = made.map { String(cString: $0) } ?? "\(base)/\(label).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        if made == nil { mkdir(path, 0o755) }
        chmod(path, 0o755)
    }

    deinit { remove() }

    /// Removes the directory and everything below it (`rm -rf`, which copes with any name and mode).
    public func remove() {
        if access(path, F_OK) == 0 { _ = SpawnedProcess.run(["/bin/rm", "-rf", path]) }
    }

    /// The path of `name` (which may contain slashes) below the directory.
    public func child(_ name: String) -> String { path + "/" + name }

    public func handle() throws -> DirectoryHandle { try DirectoryHandle.open(path) }

    /// Writes `text` to `name`, making the directories above it; the file's path. A failure is an issue
    /// of the running test.
    @discardableResult
    public func write(_ name: String, _ text: String, mode: mode_t = 0o644) -> String {
        write(name, Array(text.utf8), mode: mode)
    }

    /// Writes `bytes` to `name`, making the directories above it; the file's path. A failure is an issue
    /// of the running test.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o644) -> String {
        let full = child(name)
        if !TestFile.write(bytes, to: full, mode: mode, makingDirectories: true) {
            Issue.record("could not write \(full): \(String(cString: strerror(errno)))")
        }
        return full
    }

    /// The text of `name`, nil if it cannot be read.
    public func read(_ name: String) -> String? { TestFile.text(child(name)) }

    /// The bytes of `name`, nil if it cannot be read.
    public func bytes(_ name: String) -> [UInt8]? { TestFile.bytes(child(name)) }

    /// Whether `name` exists (a dangling link does not).
    public func exists(_ name: String) -> Bool { access(child(name), F_OK) == 0 }

    /// The permission bits of `name` (`stat`, following a link), nil if it does not exist.
    public func mode(_ name: String) -> UInt32? { fileStat(name).map { UInt32($0.st_mode & 0o7777) } }

    /// The inode number of `name` (`stat`, following a link), nil if it does not exist.
    public func inode(_ name: String) -> UInt64? { fileStat(name).map { UInt64($0.st_ino) } }

    /// What the engine's `DirectoryHandle.status` (no link followed) says of `name`.
    public func status(_ name: String) -> FileStatus? { try? handle().status(name) }

    /// Names below the directory, sorted: every level (as `a/b`) or only the top one.
    public func names(recursive: Bool = true, includingHidden: Bool = true) -> [String] {
        let all = (recursive ? FileManager.default.subpaths(atPath: path)
                             : try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let kept = includingHidden ? all : all.filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
        return kept.sorted()
    }

    private func fileStat(_ name: String) -> Glibc.stat? {
        var st = Glibc.stat()
        return stat(child(name), &st) == 0 ? st : nil
    }
}
