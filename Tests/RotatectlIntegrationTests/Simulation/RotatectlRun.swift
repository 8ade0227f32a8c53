#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// One run of the built rotatectl, started directly (so that a SIGKILL reaches it), its output in a
/// file, killed and reported as hung when it outlives its deadline.
struct RotatectlRun: CustomStringConvertible {
    var label: String
    var environment: [String: String]
    /// The arguments, the case's directory shown as ROOT.
    var arguments: [String] = []
    var status: Int32 = -1
    var hung = false
    var seconds: Double = 0
    var output = ""

    var description: String {
        let env: String = environment.keys.sorted().map { "\($0)=\(environment[$0] ?? "") " }.joined()
        let took: String = String(format: "%.2f", seconds)
        let state: String = hung ? "HUNG, killed after \(took) s" : "status \(status) in \(took) s"
        var text: String = output
        if text.count > 3000 { text = String(text.prefix(3000)) + "\n[... \(output.count) characters]" }
        let quoted: [String] = text.split(separator: "\n", omittingEmptySubsequences: false).map { "      | \($0)" }
        return "\(label): \(env)rotatectl \(arguments.joined(separator: " ")): \(state)\n" + quoted.joined(separator: "\n")
    }

    /// A started run.
    final class Started {
        var run: RotatectlRun
        let process: SpawnedProcess?
        let outputPath: String
        let start = Date()
        let deadline: Double

        /// `state`: the state file, the case's own by default; `verbose`: `-v`, each step printed.
        /// `extra`: more options (`--wait 0`).
        convenience init(_ label: String, layout: CaseLayout, environment: [String: String] = [:], deadline: Double,
                         state: String? = nil, verbose: Bool = false, extra: [String] = []) {
            let args = ["run", "-s", state ?? layout.state] + (verbose ? ["-v"] : []) + extra + (layout.c.trigger == .forced ? ["--force"] : [])
                + (layout.c.mail ? ["-m", layout.run + "/mail.sh"] : []) + [layout.config]
            self.init(label, layout: layout, arguments: args, environment: environment, deadline: deadline)
        }

        /// rotatectl with `arguments` (`run ...`, `watch ...`).
        init(_ label: String, layout: CaseLayout, arguments: [String], environment: [String: String] = [:], deadline: Double) {
            run = RotatectlRun(label: label, environment: environment)
            outputPath = layout.run + "/\(label).out"
            self.deadline = deadline
            run.arguments = arguments.map { $0.replacingOccurrences(of: layout.root.path, with: "ROOT") }
            process = SpawnedProcess.start([PackagePaths.rotatectl] + arguments, output: outputPath,
                                           environment: environment, removing: ["ROTATECTL_LOCKED_DIRS", "NOTIFY_SOCKET", "WATCHDOG_USEC"])
        }

        /// Whether it has ended (then its status is recorded).
        func poll() -> Bool {
            guard let process else { return true }
            var status: Int32 = 0
            let r = waitpid(process.pid, &status, WNOHANG)
            guard r == process.pid else { return r < 0 }
            let signal: Int32 = status & 0x7f
            run.status = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return true
        }

        /// Waits for the end, killing it at the deadline (counted from its start).
        func finish() -> RotatectlRun {
            if process == nil { run.output = "could not start"; return run }
            while !poll() {
                if Date().timeIntervalSince(start) > deadline {
                    process?.kill(SIGKILL)
                    _ = process?.wait()
                    run.hung = true
                    run.status = 137
                    break
                }
                usleep(2000)
            }
            run.seconds = Date().timeIntervalSince(start)
            run.output = TestFile.text(outputPath) ?? ""
            return run
        }

        /// SIGKILL now, then the end.
        func kill() -> RotatectlRun {
            process?.kill(SIGKILL)
            return finish()
        }
    }

    static func run(_ label: String, _ layout: CaseLayout, environment: [String: String] = [:], deadline: Double) -> RotatectlRun {
        Started(label, layout: layout, environment: environment, deadline: deadline).finish()
    }
}
