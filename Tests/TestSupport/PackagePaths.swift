#if canImport(Glibc)
import Glibc
#endif

/// Where the package and its built products are.
public enum PackagePaths {
    /// The package root: this file is Tests/TestSupport/PackagePaths.swift.
    public static let root: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return parts.dropLast(3).joined(separator: "/")
    }()

    /// The directory of the built products: the test bundle's own (`/proc/self/exe`).
    public static let products: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return exe.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }()

    /// A built executable: beside the test bundle, else in `.build/debug`.
    public static func product(_ name: String) -> String {
        let beside = products + "/" + name
        return access(beside, X_OK) == 0 ? beside : root + "/.build/debug/" + name
    }

    /// The debug `rotatectl`.
    public static var rotatectl: String { product("rotatectl") }
}
