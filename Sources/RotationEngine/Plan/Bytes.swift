/// A byte count as a person reads it: `512 B`, `1.2 MiB`.
public struct Bytes: CustomStringConvertible, Sendable {
    public var value: Int64
    public init(_ value: Int64) { self.value = value }
    public var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(value)
        var i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        if i == 0 { return "\(value) B" }
        let rounded = (v * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[i])" : "\(rounded) \(units[i])"
    }
}
