import RotationEngine
#if canImport(Glibc)
import Glibc
#endif

/// Prints a watcher's events: as `run` prints them, or with `--json` one compact JSON object a line,
/// each in one `write(2)` (`StandardOutput`), so that a log shipper reading a pipe sees it at once and
/// the lines of runs under way at once on several threads never interleave.
struct WatchOutput: Sendable {
    var lines: Output

    init(json: Bool, verbose: Bool) { lines = Output(json: json, verbose: verbose) }

    func show(_ event: RunEvent) {
        if lines.json {
            line(event.json.serialized())
        } else {
            lines.show(event)
            fflush(nil)
        }
    }

    func show(_ event: WatchEvent) {
        if lines.json { return line(event.json.serialized()) }
        switch event.kind {
        case .error: Output.stderr("rotatectl: watch: " + event.message)
        case .warning: Output.stderr("rotatectl: watch: warning: " + event.message)
        case .acted: if lines.verbose { line("watch: " + event.message) }
        case .started, .reloaded, .stopping: line("watch: " + event.message)
        }
    }

    private func line(_ text: String) { StandardOutput.write(FileNameEncoding.display(text)) }
}
