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
    public func matches(_ text: Substring) -> Bool {
        var rest = text[...]
        var chars = Array(format.drop { $0 == " " })[...]
        while let c = chars.popFirst() {
            var digits = 0
            if c == "%", let spec = chars.first {
                switch spec {
                case "Y": digits = 4
                case "m", "d", "H", "M", "S", "V": digits = 2
                case "s": digits = 10
                default: break
                }
                if digits > 0 { chars.removeFirst() }
            }
            if digits > 0 {
                for _ in 0..<digits {
                    guard let d = rest.first, d.isASCII, d.isNumber else { return false }
                    rest.removeFirst()
                }
            } else {
                guard rest.first == c else { return false }
                rest.removeFirst()
            }
        }
        return rest.isEmpty
    }

    private func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
}
