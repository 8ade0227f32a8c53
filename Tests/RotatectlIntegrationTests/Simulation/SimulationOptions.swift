import Foundation

/// The simulation's knobs, from the environment:
/// `ROTATECTL_SIM_SECONDS` (time budget, default 120), `ROTATECTL_SIM_SEED` (first seed, default 1; seeds
/// follow on while the budget lasts), `ROTATECTL_SIM_SEEDS` (an exact comma-separated list, run whatever
/// the budget), `ROTATECTL_SIM_DIMENSIONS` (`all`, a list, or `-name` to leave one out),
/// `ROTATECTL_SIM_RUN_TIMEOUT` (seconds before a run counts as hung, default 20), `ROTATECTL_SIM_OVERLAP_HOLD`
/// (seconds run A is held in its script or compressor while run B runs, default 3), `ROTATECTL_SIM_KEEP=1`
/// (keep the directories of failing cases), `ROTATECTL_SIM_REPORT` (a file the figures are also written to),
/// `ROTATECTL_SIM_FULL_REPORTS` (full reports printed per violation kind, default 3), `ROTATECTL_SIM_CRASH_AT`
/// (the crash point of every crash case), `ROTATECTL_SIM_EVERY_POINT=1` (each crash case at every point).
struct SimulationOptions {
    var seconds: Double
    var firstSeed: UInt64
    var seeds: [UInt64]?
    var dimensions: Set<SimDimension>
    var dimensionsText: String
    var runTimeout: Double
    var overlapHold: Double
    var keep: Bool
    var reportPath: String?
    var fullReports: Int
    /// `ROTATECTL_SIM_CRASH_AT`: the crash point of every crash case, instead of the drawn one.
    var crashAt: Int?
    /// `ROTATECTL_SIM_EVERY_POINT=1`: every crash case is played at each of its crash points.
    var everyPoint: Bool

    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> SimulationOptions {
        let dims = SimDimension.parse(env["ROTATECTL_SIM_DIMENSIONS"])
        return SimulationOptions(
            seconds: Double(env["ROTATECTL_SIM_SECONDS"] ?? "") ?? 120,
            firstSeed: UInt64(env["ROTATECTL_SIM_SEED"] ?? "") ?? 1,
            seeds: env["ROTATECTL_SIM_SEEDS"].map { $0.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) } },
            dimensions: dims,
            dimensionsText: dims.count == SimDimension.allCases.count ? "all" : dims.sorted().map(\.rawValue).joined(separator: ","),
            runTimeout: Double(env["ROTATECTL_SIM_RUN_TIMEOUT"] ?? "") ?? 20,
            overlapHold: Double(env["ROTATECTL_SIM_OVERLAP_HOLD"] ?? "") ?? 3,
            keep: env["ROTATECTL_SIM_KEEP"] == "1",
            reportPath: env["ROTATECTL_SIM_REPORT"],
            fullReports: Int(env["ROTATECTL_SIM_FULL_REPORTS"] ?? "") ?? 3,
            crashAt: Int(env["ROTATECTL_SIM_CRASH_AT"] ?? ""),
            everyPoint: env["ROTATECTL_SIM_EVERY_POINT"] == "1")
    }

    /// The command that plays `seed` again, alone, keeping its directory.
    func reproduction(_ seed: UInt64, crashAt: Int? = nil) -> String {
        let point: String = crashAt.map { "ROTATECTL_SIM_CRASH_AT=\($0) " } ?? ""
        return "\(point)ROTATECTL_SIM_SEEDS=\(seed) ROTATECTL_SIM_DIMENSIONS=\(dimensionsText) ROTATECTL_SIM_KEEP=1 swift test --skip-build --filter SimulationTests"
    }
}
