#if canImport(Glibc)
import Glibc
#endif
import CDeflate
import CZlib
import SystemPackage

/// One block of the parallel pipeline: its input (after up to 32 KiB of preceding data, the dictionary
/// zlib is primed with if it deflates the block) and its compressed output. Owned by exactly one thread
/// at a time, handed over under the lock.
final class CompressBlock: @unchecked Sendable {
    let input: UnsafeMutableRawBufferPointer
    var output: UnsafeMutableRawBufferPointer
    var dictionaryLength = 0
    var length = 0
    var outputLength = 0
    var crc: uLong = 0
    var isLast = false
    var sequence = 0

    init(blockSize: Int) {
        input = .allocate(byteCount: GzipCompressor.dictionarySize + blockSize, alignment: 64)
        output = .allocate(byteCount: blockSize + blockSize / 8 + 1024, alignment: 64)
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    var data: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: input[dictionaryLength..<dictionaryLength + length])
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        if outputLength + bytes.count > output.count {
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(output.count * 2, outputLength + bytes.count), alignment: 64)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: output[0..<outputLength]))
            output.deallocate()
            output = grown
        }
        UnsafeMutableRawBufferPointer(rebasing: output[outputLength...]).copyMemory(from: bytes)
        outputLength += bytes.count
    }
}

/// The state the reader (calling thread), the workers and the in-order writer share, under one lock.
final class CompressPipeline: @unchecked Sendable {
    let lock = ConditionLock()
    let maxBlocks: Int
    let blockSize: Int
    var allocated = 0
    var free: [CompressBlock] = []
    var queue: [CompressBlock] = []
    var queueHead = 0
    var done: [Int: CompressBlock] = [:]
    var readerFinished = false
    var totalBlocks = -1
    var failure: CompressError? = nil
    // Writer results.
    var crc: uLong = crc32(0, nil, 0)
    var bytesOut: Int64 = 0

    init(maxBlocks: Int, blockSize: Int) {
        self.maxBlocks = maxBlocks
        self.blockSize = blockSize
    }

    /// Records the first failure and wakes everyone so they stop.
    func fail(_ error: CompressError) {
        lock.withLock {
            if failure == nil { failure = error }
            lock.broadcast()
        }
    }

    /// A free block for the reader, allocating up to `maxBlocks`; nil once the pipeline has failed.
    func takeFree() -> CompressBlock? {
        lock.withLock {
            while failure == nil && free.isEmpty && allocated >= maxBlocks { lock.wait() }
            if failure != nil { return nil }
            if let block = free.popLast() { return block }
            allocated += 1
            return CompressBlock(blockSize: blockSize)
        }
    }

    func enqueue(_ block: CompressBlock) {
        lock.withLock {
            queue.append(block)
            lock.broadcast()
        }
    }

    func finishReading(blocks: Int) {
        lock.withLock {
            readerFinished = true
            totalBlocks = blocks
            lock.broadcast()
        }
    }

    /// The next block to compress; nil when there is no more work or the pipeline failed.
    func takeWork() -> CompressBlock? {
        lock.withLock {
            while failure == nil && queueHead == queue.count && !readerFinished { lock.wait() }
            if failure != nil || queueHead == queue.count { return nil }
            let block = queue[queueHead]
            queueHead += 1
            if queueHead > 64 && queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            return block
        }
    }

    func complete(_ block: CompressBlock) {
        lock.withLock {
            done[block.sequence] = block
            lock.broadcast()
        }
    }

    /// The compressed block with sequence `next`; nil when all are written or the pipeline failed.
    func takeCompleted(_ next: Int) -> CompressBlock? {
        lock.withLock {
            while failure == nil && done[next] == nil && next != totalBlocks { lock.wait() }
            if failure != nil { return nil }
            return done.removeValue(forKey: next)
        }
    }

    func recycle(_ block: CompressBlock) {
        lock.withLock {
            free.append(block)
            lock.broadcast()
        }
    }
}

extension GzipCompressor {
    /// pigz's scheme: the file is cut into `blockSize` blocks; each is deflated on one of `jobs` worker
    /// threads into a piece that ends as Z_SYNC_FLUSH ends (the last as Z_FINISH does), so the raw
    /// deflate outputs concatenate into one stream: by libdeflate, whole and joined by `DeflateJoiner`,
    /// or, if libdeflate could not, by zlib with the 32 KiB before the block as preset dictionary. A
    /// writer thread emits them in order and combines their CRCs with `crc32_combine`. The calling
    /// thread reads. At most `jobs + min(jobs, 4) + 2` blocks exist at once (6 for two jobs: about
    /// 3.5 MiB with 256 KiB blocks), and each worker has its own libdeflate and zlib state.
    func compressParallel(source: FileDescriptor, sourcePath: String, destination: FileDescriptor,
                          destinationPath: String, header: [UInt8]) throws(CompressError) -> CompressStats {
        let pipeline = CompressPipeline(maxBlocks: jobs + min(jobs, 4) + 2, blockSize: blockSize)
        let compressor = self
        var threads: [WorkerThread] = []
        defer { for thread in threads { thread.join() } }

        do {
            threads.append(try WorkerThread.start {
                Self.writeBlocks(pipeline, header: header, destination: destination, path: destinationPath)
            })
            for _ in 0..<jobs {
                threads.append(try WorkerThread.start {
                    compressor.compressBlocks(pipeline, path: sourcePath)
                })
            }
        } catch {
            pipeline.fail(.system(error))
        }

        let tail = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.dictionarySize, alignment: 64)
        defer { tail.deallocate() }
        var tailLength = 0
        var offset: Int64 = 0
        var sequence = 0
        while let block = pipeline.takeFree() {
            block.sequence = sequence
            block.dictionaryLength = tailLength
            block.outputLength = 0
            if tailLength > 0 {
                block.input.copyMemory(from: UnsafeRawBufferPointer(rebasing: tail[0..<tailLength]))
            }
            let room = UnsafeMutableRawBufferPointer(rebasing: block.input[tailLength..<tailLength + blockSize])
            do {
                block.length = try source.readFully(into: room, at: offset, path: sourcePath)
            } catch {
                pipeline.fail(.system(error))
                break
            }
            offset += Int64(block.length)
            block.isLast = block.length < blockSize
            if !block.isLast {
                // A full block is at least as long as the dictionary.
                tailLength = Self.dictionarySize
                tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: room[(blockSize - tailLength)...]))
            }
            sequence += 1
            pipeline.enqueue(block)
            if block.isLast {
                pipeline.finishReading(blocks: sequence)
                break
            }
        }
        // Make sure no thread waits for a reader that left on error.
        pipeline.lock.withLock {
            pipeline.readerFinished = true
            pipeline.lock.broadcast()
        }
        for thread in threads { thread.join() }
        threads = []
        if let failure = pipeline.failure { throw failure }

        var bytesOut = pipeline.bytesOut
        do {
            try destination.writeBytes(GzipHeader.trailer(crc: UInt32(truncatingIfNeeded: pipeline.crc), size: offset),
                                       path: destinationPath)
        } catch {
            throw .system(error)
        }
        bytesOut += 8
        return CompressStats(bytesIn: offset, bytesOut: bytesOut)
    }

    /// A worker thread: deflates blocks until none are left.
    func compressBlocks(_ pipeline: CompressPipeline, path: String) {
        let stream: DeflateStream
        do { stream = try DeflateStream(level: level, path: path) } catch {
            pipeline.fail(error)
            return
        }
        let deflater = engine == .zlib ? nil : WholeBufferDeflater(level: level, inputCapacity: blockSize)
        let joiner = deflater == nil ? nil : try? DeflateJoiner(path: path)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
        defer { scratch.deallocate() }
        while let block = pipeline.takeWork() {
            do {
                let data = block.data
                block.crc = data.isEmpty ? 0 : uLong(libdeflate_crc32(0, data.baseAddress, data.count))
                if let deflater, let joiner, libdeflateTakes(piece: block.sequence),
                   let length = deflater.piece(data, isLast: block.isLast, joiner: joiner) {
                    block.append(UnsafeRawBufferPointer(rebasing: deflater.output[0..<length]))
                } else {
                    try stream.restart(dictionary: UnsafeRawBufferPointer(rebasing: block.input[0..<block.dictionaryLength]))
                    try stream.deflate(data, flush: block.isLast ? Z_FINISH : Z_SYNC_FLUSH, output: scratch) { bytes in
                        block.append(bytes)
                    }
                }
            } catch {
                pipeline.fail(error)
                return
            }
            pipeline.complete(block)
        }
    }

    /// The writer thread: the header, then each block's output in order, combining CRCs, starting the
    /// output's writeback as it grows (`OutputWriteback`).
    static func writeBlocks(_ pipeline: CompressPipeline, header: [UInt8], destination: FileDescriptor, path: String) {
        var crc: uLong = crc32(0, nil, 0)
        var bytesOut: Int64 = 0
        var writeback = OutputWriteback()
        do {
            try destination.writeBytes(header, path: path)
            bytesOut += Int64(header.count)
            var next = 0
            while let block = pipeline.takeCompleted(next) {
                try destination.writeFully(UnsafeRawBufferPointer(rebasing: block.output[0..<block.outputLength]), path: path)
                bytesOut += Int64(block.outputLength)
                writeback.wrote(block.outputLength, to: destination, path: path)
                crc = crc32_combine(crc, block.crc, off_t(block.length))
                next += 1
                pipeline.recycle(block)
            }
        } catch {
            pipeline.fail(.system(error))
            return
        }
        pipeline.lock.withLock {
            pipeline.crc = crc
            pipeline.bytesOut = bytesOut
        }
    }
}
