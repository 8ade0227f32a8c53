#if canImport(Glibc)
import Glibc
#endif
import CRotatectlShim
import SystemPackage

extension FileDescriptor {
    /// Copies bytes `range` of this file to the same offsets of `destination`, data only: the holes of a
    /// sparse file (`lseek(SEEK_DATA)`, `lseek(SEEK_HOLE)`) are skipped rather than written as zeros, and
    /// `destination` is then given the length `range.upperBound` (`ftruncate`), so the copy is as sparse
    /// as the original and reads the same. Data goes through `buffer` (`pread`, `pwrite`): memory stays
    /// flat. False when this file ended before `range.upperBound` (it shrank under us).
    public func copyData(_ range: Range<Int64>, to destination: FileDescriptor, path: String, destinationPath: String,
                         buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Bool {
        var offset = range.lowerBound
        var written = range.lowerBound
        while offset < range.upperBound, let data = try nextData(from: offset, path: path), data < range.upperBound {
            let extentEnd = min(try nextHole(from: data, path: path), range.upperBound)
            var at = data
            while at < extentEnd {
                let want = Int(min(Int64(buffer.count), extentEnd - at))
                let chunk = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])
                let n = try readFully(into: chunk, at: at, path: path)
                if n < want { return false }
                try destination.writeFully(UnsafeRawBufferPointer(chunk), at: at, path: destinationPath)
                at += Int64(want)
            }
            offset = extentEnd
            written = extentEnd
        }
        // A hole is also what lseek reports past a shrunken end: only the size tells the two apart.
        guard try status(path: path).size >= range.upperBound else { return false }
        if written < range.upperBound { try destination.truncate(to: range.upperBound, path: destinationPath) }
        return true
    }

    /// The start of the first data at or after `offset` (`lseek(SEEK_DATA)`); nil when only a hole
    /// follows up to the end (ENXIO). A file system that cannot tell (EINVAL) has data everywhere.
    func nextData(from offset: Int64, path: String) throws(SystemError) -> Int64? {
        do throws(SystemError) {
            return try seek(to: offset, from: rotatectl_seek_data(), path: path)
        } catch where error.errno == .noSuchAddressOrDevice {
            return nil
        } catch where error.errno == .invalidArgument {
            return offset
        }
    }

    /// The start of the first hole at or after `offset` (`lseek(SEEK_HOLE)`), the end of the file being
    /// one; `Int64.max` where the file system cannot tell (EINVAL) or `offset` is past the end (ENXIO).
    func nextHole(from offset: Int64, path: String) throws(SystemError) -> Int64 {
        do throws(SystemError) {
            return try seek(to: offset, from: rotatectl_seek_hole(), path: path)
        } catch where error.errno == .noSuchAddressOrDevice || error.errno == .invalidArgument {
            return Int64.max
        }
    }

    /// `pwrite(2)` until every byte of `buffer` is written at `offset`.
    public func writeFully(_ buffer: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(SystemError) {
        var done = 0
        while done < buffer.count {
            let n = try system_call("pwrite", path) {
                Glibc.pwrite(rawValue, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset) + off_t(done))
            }
            done += n
        }
    }
}
