import Foundation
import Testing
import TestSupport

/// A shared script's argument is the block's pattern text exactly as logrotate passes it (issue 18,
/// section 5): spacing, quotes and line breaks as written before the `{`, for sharedscripts' prerotate and
/// postrotate and for firstaction and lastaction. Run side by side with the real logrotate 3.21.
@Suite struct ScriptContractTests {
    /// What each script of the block received as `$1` and `$#`, in order, for a tree rooted at `root`.
    static func witness(_ tool: [String], _ root: TempDirectory) -> (status: Int32, text: String) {
        root.write("a/one.log", "x\n")
        root.write("b/x.log", "y\n")
        var conf = "@DIR@/a/*.log   @DIR@/b/x.log\n\"@DIR@/b/y z.log\"\t{\n rotate 1\n missingok\n sharedscripts\n"
        for kind in ["firstaction", "prerotate", "postrotate", "lastaction"] {
            conf += " \(kind)\n  printf '%s:[%s][%s]\\n' \(kind) \"$1\" \"$#\" >> @DIR@/witness\n endscript\n"
        }
        conf += "}\n"
        let path = root.config(conf)
        let r = Harness.run(tool + ["-s", root.child("state"), path])
        let text = (root.read("witness") ?? "").replacingOccurrences(of: root.path, with: "ROOT")
        return (r.status, text)
    }

    @Test func sharedScriptsGetThePatternTextAsLogrotateGivesIt() {
        let lr = TempDirectory("rotatectl-sc-lr"), rc = TempDirectory("rotatectl-sc-rc")
        defer { lr.remove(); rc.remove() }
        let expected = "ROOT/a/*.log   ROOT/b/x.log\n\"ROOT/b/y z.log\"\t"
        let theirs = Self.witness(["/usr/sbin/logrotate", "-f"], lr)
        let ours = Self.witness([PackagePaths.rotatectl, "run", "-f"], rc)
        #expect(theirs.status == 0 && ours.status == 0)
        #expect(theirs.text.contains("prerotate:[\(expected)][1]"), "logrotate gave: \(theirs.text)")
        #expect(ours.text == theirs.text, "rotatectl:\n\(ours.text)\nlogrotate:\n\(theirs.text)")
    }
}
