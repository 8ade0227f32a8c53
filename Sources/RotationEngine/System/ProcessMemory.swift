import CRotatectlShim

/// How the process asks glibc's allocator for memory.
public enum ProcessMemory {
    /// Blocks of 1 MiB or more get their own mapping, returned to the kernel when freed, and the heap
    /// is trimmed once 4 MiB are free at its top (`mallopt(M_MMAP_THRESHOLD)`, `M_TRIM_THRESHOLD`;
    /// fixed values also stop glibc from raising them after the first large free). A run's big
    /// arrays (a directory's listing, the state table) are short-lived; with glibc's dynamic
    /// thresholds they were recycled from a fragmented heap and left peak RSS about 6 MiB above the
    /// live memory for a 100,000-file glob. The compressor's 256 KiB buffers stay below the mapping
    /// threshold, so compressing many small files makes no mmap/munmap per file.
    public static func returnLargeBlocksToTheKernel() {
        _ = rotatectl_set_malloc_thresholds(1 << 20, 4 << 20)
    }
}
