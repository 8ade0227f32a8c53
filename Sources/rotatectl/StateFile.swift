import ArgumentParser

/// `--state`: the state file `run` records rotations in and `status` reads them from.
struct StateFile: ParsableArguments {
    @Option(name: [.short, .long], help: "The state file.")
    var state = "/var/lib/rotatectl/status"
}
