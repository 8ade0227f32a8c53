import ArgumentParser
import RotationEngine

/// The configuration files or directories `run`, `check` and `status` read.
struct ConfigPaths: ParsableArguments {
    static let defaultPath = "/etc/rotatectl.conf"

    @Argument(help: "Configuration files or directories.")
    var configs: [String] = [ConfigPaths.defaultPath]

    /// When `configs` is the default and it does not exist: what to do instead (a first run on a
    /// machine that has logrotate's configuration), else nil.
    static func missingDefault(_ configs: [String]) -> String? {
        guard configs == [defaultPath] else { return nil }
        do {
            _ = try FileStatus.following(path: defaultPath)
            return nil
        } catch where error.errno == .noSuchFileOrDirectory {
            return """
                no configuration: \(defaultPath) does not exist. To rotate what logrotate rotates, name its \
                configuration (rotatectl run /etc/logrotate.conf), or create \(defaultPath) holding the line \
                "include /etc/logrotate.conf". MIGRATING.md (in /usr/local/share/doc/rotatectl) walks through the move.
                """
        } catch {
            return nil
        }
    }
}
