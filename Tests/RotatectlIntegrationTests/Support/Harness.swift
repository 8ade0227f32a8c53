import Foundation
import Testing

/// A temporary directory (mode 0755, as logrotate's safety rules want) removed when released.
final class TempTree {
    let path: String
    init(_ label: String = "rotatectl") {
        var template = Array("/tmp/\(label).XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? "/tmp/\(label).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        if made == nil { mkdir(path, 0o755) }
        chmod(path, 0o755)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func url(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String, mode: mode_t = 0o644) -> String {
        let p = url(name)
        let dir = (p as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        chmod(p, mode)
        return p
    }

    func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: url(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name)) }

    /// Names below the tree, recursively, sorted.
    func names(includingHidden: Bool = true) -> [String] {
        let all = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
        return includingHidden ? all : all.filter { !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
    }

    /// A config file in the tree, `@DIR@` replaced by the tree's path.
    @discardableResult
    func config(_ text: String, name: String = "test.conf") -> String {
        write(name, text.replacingOccurrences(of: "@DIR@", with: path))
    }
}

struct Ran {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Harness {
    /// The package root: Tests/RotatectlIntegrationTests/Support/Harness.swift is four levels down.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var binary: String {
        let candidates = [root + "/.build/debug/rotatectl"]
        let built = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("rotatectl").path
        return ([built] + candidates).first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs a program to completion, with `input` closed, collecting its output.
    static func run(_ argv: [String], environment: [String: String] = [:], cwd: String? = nil) -> Ran {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["ROTATECTL_LOCKED_DIRS"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return Ran(status: -1, stdout: "", stderr: "\(error)") }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Ran(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func rotatectl(_ args: [String], environment: [String: String] = [:]) -> Ran {
        run([binary] + args, environment: environment)
    }

    /// `sh -c`.
    static func sh(_ command: String) -> Ran { run(["/bin/sh", "-c", command]) }

    /// Whether `gzip -t` accepts the file.
    static func gzipValid(_ path: String) -> Bool { run(["/bin/gzip", "-t", path]).status == 0 }

    /// The file's content, through `zcat` when it is gzip.
    static func contents(_ path: String) -> String {
        if path.hasSuffix(".gz") { return run(["/bin/zcat", path]).stdout }
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Numbered lines `PREFIX N` from 1 through `count`.
    static func lines(_ prefix: String, _ range: ClosedRange<Int>) -> String {
        range.map { "\(prefix) \($0)\n" }.joined()
    }
}
