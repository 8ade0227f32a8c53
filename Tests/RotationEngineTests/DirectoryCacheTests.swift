#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport
@testable import RotationEngine

/// `DirectoryCache.locate`: the directory and name of a path, the last directory found without a lookup.
@Suite struct DirectoryCacheTests {
    @Test(arguments: [
        ("/var/log/app.log", "/var/log", "app.log"),
        ("/var/log/app.log", "/var/log/", "app.log"),
        ("/app.log", "/", "app.log"),
        ("/var/logs/app.log", "/var/log", nil),      // a longer directory name
        ("/var/log/old/app.log", "/var/log", nil),   // a subdirectory
        ("/var/log/", "/var/log", nil),              // no name
        ("/var/log", "/var/log", nil),
        ("/var/lo", "/var/log", nil),
        ("/var/log/é.log", "/var/log", "é.log"),
    ] as [(String, String, String?)])
    func nameOfAPathInADirectory(_ path: String, _ dir: String, _ name: String?) {
        #expect(DirectoryCache.name(of: path, in: dir) == name)
    }

    @Test func locateGivesTheSameAsSplittingWhicheverDirectoryCameBefore() throws {
        let t = TempDirectory("rotatectl-dircache")
        defer { t.remove() }
        mkdir(t.child("a"), 0o755)
        mkdir(t.child("a/b"), 0o755)
        mkdir(t.child("ab"), 0o755)
        let cache = DirectoryCache()
        let paths = ["a/x", "a/y", "a/b/x", "ab/x", "a/z", "ab/y", "a/b/y"].map { t.child($0) } + [t.path]
        for path in paths + paths.reversed() {
            let (dir, name) = PathName.split(path)
            let (handle, found) = try cache.locate(path)
            #expect(found == name, "\(path)")
            #expect(handle.path == dir, "\(path)")
            #expect(try handle.status().inode == DirectoryHandle.open(dir).status().inode, "\(path)")
        }
    }
}

/// Issue 16, point 14: temporary names fit in NAME_MAX and are the same every time for the same name.
@Suite struct TemporaryNameTests {
    @Test(arguments: [1, 100, 235, 240, 236, 249, 250, 255])
    func temporaryNamesFitAndAreDeterministic(length: Int) {
        let name = String(repeating: "é", count: length / 2) + String(repeating: "n", count: length % 2)
        let temp = DirectoryHandle.temporaryName(for: name)
        #expect(temp.utf8.count <= 255)
        #expect(temp.hasPrefix(".rotatectl-tmp."))
        #expect(temp == DirectoryHandle.temporaryName(for: name))
        if name.utf8.count + 15 <= 255 { #expect(temp == ".rotatectl-tmp." + name) }
        #expect(DirectoryHandle.temporaryName(for: name + "x") != temp)
    }

    /// The shred name has a longer prefix: it fits NAME_MAX by itself (a 237-byte name once gave a
    /// 256-byte shred name, found by the simulation: the source was then kept beside its .gz).
    @Test(arguments: [1, 100, 236, 237, 238, 240, 249, 255])
    func shredNamesFit(length: Int) {
        let name = String(repeating: "n", count: length)
        let shred = StepRunner.shredName(for: name)
        #expect(shred.utf8.count <= 255)
        #expect(shred.hasPrefix(".rotatectl-shred."))
        #expect(shred != DirectoryHandle.temporaryName(for: name))
    }
}
