/// rotatectl's documented exit statuses. When several apply, the highest-ranked wins:
/// configuration error, then busy lock, then a failed log set.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case setFailed = 1
    case configError = 2
    case lockBusy = 3
    case usage = 64
}
