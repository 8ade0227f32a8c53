import ArgumentParser

/// The configuration files or directories `run`, `check` and `status` read.
struct ConfigPaths: ParsableArguments {
    @Argument(help: "Configuration files or directories.")
    var configs: [String] = ["/etc/rotatectl.conf"]
}
