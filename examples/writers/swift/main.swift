// Placeholder: the Swift example writer is built by the writers issue.
print("example-writer")
