/// A part of a run (`SetExecution`, `SetRotation`, `GroupExecution`, `JournalReplay`, `StepRunner`,
/// `CompressionCommit`): a value that works on the run's shared `RunContext` and reports through it.
protocol RunPart {
    var context: RunContext { get }
}

extension RunPart {
    var options: RunOptions { context.options }
    var directories: DirectoryCache { context.directories }
    func emit(_ event: RunEvent) { context.emit(event) }
}
