/// A JSON value and its serialisation: enough for rotatectl's reports without Foundation.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Keys keep their order, so documents read the same run after run.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }

    /// The text of the value; `level` is how deep it sits in an enclosing document (for its indents).
    public func serialized(indent: Int? = nil, level: Int = 0) -> String {
        var out = ""
        write(&out, indent: indent, level: level)
        return out
    }

    private func write(_ out: inout String, indent: Int?, level: Int) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let close = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String((d * 1000).rounded() / 1000) : "null"
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                item.write(&out, indent: indent, level: level + 1)
            }
            out += close + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                out += (i == 0 ? "" : ",") + newline
                JSONValue.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(&out, indent: indent, level: level + 1)
            }
            out += close + "}"
        }
    }

    /// JSON string escaping. A byte of a name that is not UTF-8 (an escape scalar of
    /// `FileNameEncoding`) is written as the text `\xNN`, as `FileNameEncoding.display` shows it, so
    /// the document stays valid UTF-8.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if let byte = FileNameEncoding.escapedByte(scalar) {
                    out += "\\\\x" + FileNameEncoding.hex(byte)
                } else if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
