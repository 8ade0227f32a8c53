/// A compression batch whose workers have been started (`Runner.startCompression`) and which is still
/// to be committed (`Runner.commitCompression`): its tasks, the steps that could not become one, and
/// how it will be committed.
final class CompressionBatch {
    /// Batches of at least this many files are committed as a group: outputs created with `O_TMPFILE`,
    /// one `syncfs` per chunk instead of an fsync per file.
    static let groupMinimum = 16

    /// One per `.compress` step that could be prepared, in the order of the steps.
    let tasks: [CompressTask]
    /// Per step of the batch: false for one already reported as failed.
    let results: [Bool]
    let groupSync: Bool
    let pipeline: BatchPipeline<CompressTask.Outcome>
    /// Tasks released so far (a prefix of `tasks`).
    private var released = 0
    /// The task of each step that has one.
    private let taskOfStep: [Int: Int]

    init(tasks: [CompressTask], results: [Bool], groupSync: Bool, pipeline: BatchPipeline<CompressTask.Outcome>) {
        self.tasks = tasks
        self.results = results
        self.groupSync = groupSync
        self.pipeline = pipeline
        taskOfStep = Dictionary(uniqueKeysWithValues: tasks.enumerated().map { ($1.index, $0) })
    }

    /// Lets the workers take the steps below `step` (batch indices); those in `cancelling` are not run.
    func release(belowStep step: Int, cancelling: [Int]) {
        while released < tasks.count && tasks[released].index < step { released += 1 }
        pipeline.release(upTo: released, cancelling: cancelling.compactMap { taskOfStep[$0] })
    }
}
