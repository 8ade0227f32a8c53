import Foundation
import Testing
@testable import RotationEngine
import TestSupport

@Suite struct ChildProcessTests {
    @Test func trueSucceeds() throws {
        let result = try ChildProcess.run(["/bin/true"])
        #expect(result == ChildResult(exitCode: 0))
        #expect(result.succeeded)
    }

    @Test func falseFails() throws {
        let result = try ChildProcess.run(["/bin/false"])
        #expect(result.exitCode == 1)
        #expect(!result.succeeded)
        #expect(result.description == "exited with status 1")
    }

    @Test func shellExitStatusIsReported() throws {
        #expect(try ChildProcess.run(["/bin/sh", "-c", "exit 3"]).exitCode == 3)
    }

    @Test func programIsFoundOnPath() throws {
        #expect(try ChildProcess.run(["true"]).succeeded)
    }

    @Test func argumentsAreNotInterpretedByAShell() throws {
        let run = try ChildProcess.runCapturingOutput(["/bin/echo", "$HOME", "a b", "*;", "`id`"])
        #expect(run.output == "$HOME a b *; `id`\n")
    }

    @Test func killedBySignal() throws {
        let result = try ChildProcess.run(["/bin/sh", "-c", "kill -9 $$"])
        #expect(result.signal == SIGKILL)
        #expect(result.exitCode == nil)
        #expect(!result.timedOut)
        #expect(!result.succeeded)
        #expect(result.description.hasPrefix("killed by signal 9"))
    }

    @Test func timeoutSendsSigterm() throws {
        let start = Date()
        let result = try ChildProcess.run(["sleep", "30"], timeout: 0.2)
        #expect(result.timedOut)
        #expect(result.signal == SIGTERM)
        #expect(!result.succeeded)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func sigkillFollowsWhenSigtermIsIgnored() throws {
        let start = Date()
        let result = try ChildProcess.run(["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"], timeout: 0.2)
        let elapsed = Date().timeIntervalSince(start)
        #expect(result.timedOut)
        #expect(result.signal == SIGKILL)
        #expect(elapsed >= 2.1 && elapsed < 6)
    }

    @Test func timeoutEndsTheWholeProcessGroup() throws {
        // The grandchild holds the output pipe; without group kill, capture would wait 30 s for it.
        let start = Date()
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "echo started; sleep 30; echo never"], timeout: 0.3)
        #expect(run.result.timedOut)
        #expect(run.output == "started\n")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func fastChildWithinTimeoutIsNotTimedOut() throws {
        let result = try ChildProcess.run(["/bin/sh", "-c", "exit 0"], timeout: 10)
        #expect(result == ChildResult(exitCode: 0, timedOut: false))
    }

    @Test func environmentAdditionsReachTheChild() throws {
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "echo \"$ROTATECTL_TEST_VAR:${PATH:+path}\""],
                                                      environment: ["ROTATECTL_TEST_VAR": "hello world"])
        #expect(run.output == "hello world:path\n")
    }

    @Test func captureTakesStdoutAndStderr() throws {
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "echo out; echo err >&2; exit 2"])
        #expect(run.result.exitCode == 2)
        #expect(run.output == "out\nerr\n")
        #expect(!run.truncated)
    }

    @Test func captureIsBounded() throws {
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"], limit: 1000)
        #expect(run.result.succeeded)
        #expect(run.output == String(repeating: "x", count: 1000))
        #expect(run.truncated)
    }

    @Test func redirectedStdinAndStdout() throws {
        let dir = TempDirectory("rotatectl-compress")
        defer { dir.remove() }
        try #require(TestFile.write(Array("one\ntwo\n".utf8), to: dir.child("in")))
        let input = open(dir.child("in"), O_RDONLY | O_CLOEXEC)
        let output = open(dir.child("out"), O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        let result = try ChildProcess.run(["tr", "a-z", "A-Z"], stdin: input, stdout: output)
        close(input)
        close(output)
        #expect(result.succeeded)
        #expect(TestFile.bytes(dir.child("out")) == Array("ONE\nTWO\n".utf8))
    }

    @Test func otherDescriptorsAreClosedInTheChild() throws {
        // A descriptor without O_CLOEXEC must still not leak into the child.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "ls /proc/self/fd"])
        let fds = run.output.split(separator: "\n").compactMap { Int32($0) }
        #expect(!fds.contains(leaky))
        #expect(fds.allSatisfy { $0 <= 3 })  // 0, 1, 2 and ls's own directory handle
    }

    @Test func signalsAreResetToDefaultInTheChild() throws {
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var previous = sigaction()
        sigaction(SIGUSR2, &ignore, &previous)
        var block = sigset_t(), oldMask = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGUSR1)
        pthread_sigmask(SIG_BLOCK, &block, &oldMask)
        defer {
            sigaction(SIGUSR2, &previous, nil)
            pthread_sigmask(SIG_SETMASK, &oldMask, nil)
        }
        let run = try ChildProcess.runCapturingOutput(["/bin/sh", "-c", "grep -E '^(SigIgn|SigBlk)' /proc/self/status"])
        let lines = run.output.split(separator: "\n").map { String($0) }
        // SIGUSR1 is bit 10 (0x200), SIGUSR2 bit 12 (0x800).
        for line in lines {
            let hex = line.split(separator: "\t").last.flatMap { UInt64($0, radix: 16) } ?? 0
            #expect(hex & 0xa00 == 0, "\(line)")
        }
        #expect(lines.count == 2)
    }

    @Test func missingProgramThrows() {
        #expect(throws: SystemError("posix_spawn", path: "/no/such/program", errno: .noSuchFileOrDirectory)) {
            try ChildProcess.run(["/no/such/program"])
        }
        #expect(throws: SystemError.self) { try ChildProcess.run([]) }
    }
}
