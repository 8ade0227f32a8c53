/// logrotate's `dateformat`: only `%Y %m %d %H %M %S %V %s` are expanded; anything else is literal.
public struct DateFormat: Sendable, Equatable {
    public var format: String
    public init(_ format: String) { self.format = format }

    /// The suffix for a given time (`strftime` restricted to the allowed specifiers).
    public func render(_ t: CivilTime, epoch: Int64) -> String {
        var out = ""
        var chars = Array(format.drop { $0 == " " })[...]
        while let c = chars.popFirst() {
            guard c == "%", let spec = chars.first else { out.append(c); continue }
            switch spec {
            case "Y": out += String(t.year)
            case "m": out += pad(t.month)
            case "d": out += pad(t.day)
            case "H": out += pad(t.hour)
            case "M": out += pad(t.minute)
            case "S": out += pad(t.second)
            case "V": out += pad(t.isoWeek)
            case "s": out += String(epoch)
            default: out.append("%"); continue
            }
            chars.removeFirst()
        }
        return out
    }

    /// Whether `text` could have been produced by this format (digits where specifiers stand).
    public func matches(_ text: Substring) -> Bool { fields(text) != nil }

    /// A key that orders names by the time they stand for, as logrotate sorts dated logs (strptime
    /// with the same format): the epoch for `%s`, else the civil time read as UTC, missing parts
    /// taken as the start of their range. nil when `text` does not match.
    public func sortKey(_ text: Substring) -> Int64? {
        guard let f = fields(text) else { return nil }
        if let epoch = f["s"] { return epoch }
        let days = CivilTime.days(year: Int(f["Y"] ?? 1900), month: Int(f["m"] ?? 1), day: Int(f["d"] ?? 1))
        return days * 86400 + (f["H"] ?? 0) * 3600 + (f["M"] ?? 0) * 60 + (f["S"] ?? 0)
    }

    /// The number each specifier stands for in `text`, or nil when `text` does not match.
    private func fields(_ text: Substring) -> [Character: Int64]? {
        var rest = text[...]
        var values: [Character: Int64] = [:]
        var chars = Array(format.drop { $0 == " " })[...]
        while let c = chars.popFirst() {
            var digits = 0
            var spec: Character = c
            if c == "%", let s = chars.first {
                switch s {
                case "Y": digits = 4
                case "m", "d", "H", "M", "S", "V": digits = 2
                case "s": digits = 10
                default: break
                }
                if digits > 0 { chars.removeFirst(); spec = s }
            }
            if digits > 0 {
                var value: Int64 = 0
                for _ in 0..<digits {
                    guard let d = rest.first, d.isASCII, let n = d.wholeNumberValue else { return nil }
                    value = value * 10 + Int64(n)
                    rest.removeFirst()
                }
                values[spec] = value
            } else {
                guard rest.first == c else { return nil }
                rest.removeFirst()
            }
        }
        return rest.isEmpty ? values : nil
    }

    private func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
}
