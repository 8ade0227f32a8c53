/// The state file's dates: local civil time, written as logrotate does.
extension CivilTime {
    /// `Y-M-D-h:m:s` without zero padding, logrotate's `%d-%d-%d-%d:%d:%d`.
    func append(to out: inout [UInt8]) {
        StateCodec.appendDecimal(Int64(year), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(month), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(day), to: &out); out.append(UInt8(ascii: "-"))
        StateCodec.appendDecimal(Int64(hour), to: &out); out.append(UInt8(ascii: ":"))
        StateCodec.appendDecimal(Int64(minute), to: &out); out.append(UInt8(ascii: ":"))
        StateCodec.appendDecimal(Int64(second), to: &out)
    }
}
