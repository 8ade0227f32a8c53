import Logging
import SystemPackage

/// Tells the processes that write logs to reopen them, by a signal to the pids in their pid files.
public enum WriterNotifier {
    /// Reads every pid file and sends `signal` to each distinct live pid exactly once. Stale, empty,
    /// garbled and missing pid files are logged as warnings and skipped; pid 0, 1 and negative pids are
    /// never signalled. All pid files are read before the first signal, so a process that exits on the
    /// signal is not then taken for a stale entry of a later pid file. `logOwners`: the non-root users
    /// whose pid files may be trusted at all (see `PidFile.read`), nil when unknown.
    public static func notify(pidFiles: [String], signal: Int32, logOwners: Set<UInt32>? = nil,
                              logger: Logger?) -> [NotifyOutcome] {
        var signalled: Set<Int32> = []
        var outcomes: [NotifyOutcome] = []
        let results = pidFiles.map { PidFile.read($0, logOwners: logOwners) }
        for (pidFile, result) in zip(pidFiles, results) {
            guard let pid = result.livePid, pid > 1 else {
                logger?.debug("\(pidFile): not signalling: pid file is \(result)")
                outcomes.append(NotifyOutcome(pidFile: pidFile, result: result, action: .skipped))
                continue
            }
            if signalled.contains(pid) {
                outcomes.append(NotifyOutcome(pidFile: pidFile, result: result, action: .alreadySignalled(pid)))
                continue
            }
            switch Result(catching: { () throws(SystemError) in try ProcessSignals.send(signal, to: pid) }) {
            case .success:
                signalled.insert(pid)
                logger?.debug("\(pidFile): sent signal \(signal) to pid \(pid)")
                outcomes.append(NotifyOutcome(pidFile: pidFile, result: result, action: .signalled(pid)))
            case .failure(let error):
                logger?.debug("\(pidFile): kill(\(pid), \(signal)): \(error.errno)")
                outcomes.append(NotifyOutcome(pidFile: pidFile, result: result, action: .failed(pid, error.errno)))
            }
        }
        return outcomes
    }
}
