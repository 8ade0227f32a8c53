/// What a journalled unit needs, besides its steps, to be finished alone by a later run that has no
/// configuration: the compressor and its options, the shred policy, how long to wait for writers, and
/// the `su` identity whose rights the steps were taken with.
public struct JournalPolicy: Sendable, Equatable {
    public var compressCommand: String = "gzip"
    public var compressOptions: [String] = ["-6"]
    public var shred: Bool = false
    public var shredCycles: Int? = nil
    public var allowHardlink: Bool = false
    public var reopenTimeout: Double = 5
    public var suUID: UInt32? = nil
    public var suGID: UInt32? = nil

    public init() {}

    /// The policy of a configured set.
    public init(_ c: LogSetConfig) {
        compressCommand = c.compressCommand
        compressOptions = c.compressOptions
        shred = c.shred
        shredCycles = c.shredCycles
        allowHardlink = c.allowHardlink
        reopenTimeout = c.reopenTimeout
        suUID = c.su?.uid
        suGID = c.su?.gid
    }

    /// The parts of a set's configuration that replaying steps reads, as the journal recorded them.
    public var config: LogSetConfig {
        var c = LogSetConfig()
        c.compressCommand = compressCommand
        c.compressOptions = compressOptions
        c.shred = shred
        c.shredCycles = shredCycles
        c.allowHardlink = allowHardlink
        c.reopenTimeout = reopenTimeout
        if let uid = suUID, let gid = suGID { c.su = (uid, gid) }
        return c
    }

    /// `key=value` fields of the journal's `policy` line; repeated `compressoption` keep their order.
    var fields: [String] {
        var f = ["compresscmd=" + compressCommand]
        f += compressOptions.map { "compressoption=" + $0 }
        if shred { f.append("shred=" + (shredCycles.map(String.init) ?? "default")) }
        if allowHardlink { f.append("allowhardlink=1") }
        f.append("reopentimeout=" + String(reopenTimeout))
        if let uid = suUID, let gid = suGID { f.append("su=\(uid):\(gid)") }
        return f
    }

    /// The policy of a `policy` line; nil when a field is not understood (the block is then damaged).
    init?(fields: [String]) {
        compressOptions = []
        for field in fields {
            guard let eq = field.firstIndex(of: "=") else { return nil }
            let key = field[..<eq], value = String(field[field.index(after: eq)...])
            switch key {
            case "compresscmd": compressCommand = value
            case "compressoption": compressOptions.append(value)
            case "shred":
                shred = true
                if value != "default" { guard let n = Int(value) else { return nil }; shredCycles = n }
            case "allowhardlink": allowHardlink = value == "1"
            case "reopentimeout":
                guard let t = Double(value), t >= 0 else { return nil }
                reopenTimeout = t
            case "su":
                let ids = value.split(separator: ":")
                guard ids.count == 2, let uid = UInt32(ids[0]), let gid = UInt32(ids[1]) else { return nil }
                suUID = uid
                suGID = gid
            default: return nil
            }
        }
    }
}
