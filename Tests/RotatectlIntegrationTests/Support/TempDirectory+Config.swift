import Foundation
import TestSupport

extension TempDirectory {
    /// A config file in the directory, `@DIR@` replaced by the directory's path.
    @discardableResult
    func config(_ text: String, name: String = "test.conf") -> String {
        write(name, text.replacingOccurrences(of: "@DIR@", with: path))
    }
}
