import Testing
@testable import RotationEngine

@Suite("ConfigParser directives") struct ConfigParserTests {
    @Test func defaultsAreLogrotates() throws {
        let c = ConfigTest.parse("/var/log/a.log {\n}\n", file: "/etc/x.conf")
        #expect(c.diagnostics.isEmpty)
        let s = try #require(c.logSets.first)
        #expect(s.patterns == ["/var/log/a.log"])
        #expect(s.location == RotationEngine.SourceLocation(file: "/etc/x.conf", line: 1, column: 1))
        #expect(s.configFile == "/etc/x.conf")
        #expect(s.frequency == nil)
        #expect(s.size == Int64(1024 * 1024))
        #expect(s.rotate == 0)
        #expect(s.start == 1)
        #expect(s.ifEmpty)
        #expect(!s.missingOK)
        #expect(s.create == nil)
        #expect(s.compressOptions == [])
        #expect(s.compressCommand == "gzip")
        #expect(s.effectiveCompressExtension == ".gz")
        #expect(s.dateFormat == "-%Y%m%d")
        #expect(s.signal == 1)
        #expect(s.scriptTimeout == 300)
        #expect(s.reopenTimeout == 5)
        #expect(s.su == nil)
        #expect(s.oldDir == nil)
        #expect(s.createOldDir == nil)
    }

    @Test func frequenciesReplaceSizeAndSizeReplacesFrequency() throws {
        #expect(ConfigTest.block("hourly").set?.frequency == .hourly)
        #expect(ConfigTest.block("daily").set?.frequency == .daily)
        #expect(ConfigTest.block("monthly").set?.frequency == .monthly)
        #expect(ConfigTest.block("yearly").set?.frequency == .yearly)
        #expect(ConfigTest.block("daily").set?.size == nil)
        #expect(ConfigTest.block("weekly").set?.frequency == .weekly(weekday: 0))
        #expect(ConfigTest.block("weekly 3").set?.frequency == .weekly(weekday: 3))
        #expect(ConfigTest.block("weekly 7").set?.frequency == .weekly(weekday: 7))
        let sizeAfter = try #require(ConfigTest.block("daily\nsize 100k").set)
        #expect(sizeAfter.frequency == nil && sizeAfter.size == Int64(100 * 1024))
        let dailyAfter = try #require(ConfigTest.block("size 100k\ndaily").set)
        #expect(dailyAfter.frequency == .daily && dailyAfter.size == nil)
    }

    @Test func sizesAndUnits() throws {
        #expect(ConfigTest.block("size 100").set?.size == Int64(100))
        #expect(ConfigTest.block("size 3K").set?.size == Int64(3 * 1024))
        #expect(ConfigTest.block("size 2M").set?.size == Int64(2 * 1024 * 1024))
        #expect(ConfigTest.block("size 1G").set?.size == Int64(1024 * 1024 * 1024))
        #expect(ConfigTest.block("size = 0x10k").set?.size == Int64(16 * 1024))
        let s = try #require(ConfigTest.block("weekly\nminsize 1M\nmaxsize 10M\nmaxtotalsize 1G").set)
        #expect(s.frequency == .weekly(weekday: 0))
        #expect(s.minSize == Int64(1024 * 1024))
        #expect(s.maxSize == Int64(10 * 1024 * 1024))
        #expect(s.maxTotalSize == Int64(1024 * 1024 * 1024))
        #expect(ConfigTest.block("minsize 0").set?.minSize == nil)
    }

    @Test func agesAndCounts() throws {
        let s = try #require(ConfigTest.block("minage 2\nmaxage 30\nrotate 5\nstart 0\nshredcycles 3").set)
        #expect(s.minAge == 2)
        #expect(s.maxAge == 30)
        #expect(s.rotate == 5)
        #expect(s.start == 0)
        #expect(s.shredCycles == 3)
        #expect(ConfigTest.block("rotate -1").set?.rotate == -1)
        #expect(ConfigTest.block("maxage 0").set?.maxAge == nil)
        let octal = ConfigTest.block("rotate 010")
        #expect(octal.set?.rotate == 8)
        #expect(octal.config.diagnostics.contains { $0.severity == .warning && $0.message.contains("octal") })
        #expect(octal.config.errors.isEmpty)
    }

    @Test func naming() throws {
        let s = try #require(ConfigTest.block("""
            extension .log
            addextension .txt
            dateext
            dateformat -%Y-%m-%d_%H%M%S.%s
            dateyesterday
            datehourago
            olddir /var/log/old
            createolddir 0750 root adm
            """).set)
        #expect(s.extension_ == ".log")
        #expect(s.addExtension == ".txt")
        #expect(s.dateExt)
        #expect(s.dateFormat == "-%Y-%m-%d_%H%M%S.%s")
        #expect(s.dateYesterday)
        #expect(s.dateHourAgo)
        #expect(s.oldDir == "/var/log/old")
        #expect(s.createOldDir == CreateSpec(mode: 0o750, uid: 0, gid: 4))
        let off = try #require(ConfigTest.block("dateext\nnodateext\nolddir old\nnoolddir\ncreateolddir\nnocreateolddir").set)
        #expect(!off.dateExt && off.oldDir == nil && off.createOldDir == nil)
        #expect(ConfigTest.block("olddir old").set?.oldDir == "old")
    }

    @Test func hourlyChangesTheDefaultDateFormatOnly() {
        #expect(ConfigTest.block("hourly").set?.dateFormat == "-%Y%m%d%H")
        #expect(ConfigTest.block("hourly\ndateformat .%Y%m%d").set?.dateFormat == ".%Y%m%d")
        #expect(ConfigTest.block("daily").set?.dateFormat == "-%Y%m%d")
    }

    @Test func compression() throws {
        let s = try #require(ConfigTest.block("""
            compress
            delaycompress
            compresscmd /usr/bin/xz
            uncompresscmd /usr/bin/unxz
            compressoptions -9 "--memlimit 10M" 'a b'
            """).set)
        #expect(s.compress && s.delayCompress)
        #expect(s.compressCommand == "/usr/bin/xz")
        #expect(s.uncompressCommand == "/usr/bin/unxz")
        #expect(s.compressExtension == ".xz")
        #expect(s.compressOptions == ["-9", "--memlimit 10M", "a b"])
        #expect(ConfigTest.block("compresscmd bzip2").set?.compressExtension == ".bz2")
        #expect(ConfigTest.block("compresscmd /bin/zstd").set?.compressExtension == ".zst")
        #expect(ConfigTest.block("compresscmd compress").set?.compressExtension == ".Z")
        #expect(ConfigTest.block("compresscmd zip").set?.compressExtension == ".zip")
        #expect(ConfigTest.block("compressext .foo\ncompresscmd xz").set?.compressExtension == ".xz")
        #expect(ConfigTest.block("compresscmd xz\ncompressext .foo").set?.compressExtension == ".foo")
        #expect(ConfigTest.block("compresscmd /usr/bin/lz4").set?.compressExtension == nil)
        let off = try #require(ConfigTest.block("compress\nnocompress\ndelaycompress\nnodelaycompress").set)
        #expect(!off.compress && !off.delayCompress)
    }

    @Test func createForms() {
        #expect(ConfigTest.block("create").set?.create == CreateSpec())
        #expect(ConfigTest.block("create 0640").set?.create == CreateSpec(mode: 0o640))
        #expect(ConfigTest.block("create 640 root").set?.create == CreateSpec(mode: 0o640, uid: 0))
        #expect(ConfigTest.block("create 0640 root adm").set?.create == CreateSpec(mode: 0o640, uid: 0, gid: 4))
        #expect(ConfigTest.block("create root adm").set?.create == CreateSpec(uid: 0, gid: 4))
        // As in logrotate, a first word of octal digits is the mode, even "0".
        #expect(ConfigTest.block("create 0 0").set?.create == CreateSpec(mode: 0, uid: 0))
        #expect(ConfigTest.block("create 8 root").set?.create == CreateSpec(uid: 8, gid: 0))
        #expect(ConfigTest.block("create 0600 root\nnocreate").set?.create == nil)
        // The values stay behind the switch, as in logrotate.
        #expect(ConfigTest.block("create 0600 root adm\nnocreate\ncreate").set?.create == CreateSpec(mode: 0o600, uid: 0, gid: 4))
        #expect(ConfigTest.block("create 0600", globals: "create 0640 root adm").set?.create == CreateSpec(mode: 0o600, uid: 0, gid: 4))
    }

    @Test func copyModes() throws {
        #expect(ConfigTest.block("copy\ncopytruncate").set?.mode == .copyTruncate)
        #expect(ConfigTest.block("copytruncate\nrenamecopy").set?.mode == .renameCopy)
        #expect(ConfigTest.block("renamecopy\ncopytruncate").set?.mode == .copyTruncate)
        // copy is a switch of its own: it outlasts copytruncate being turned off, and beats renamecopy.
        #expect(ConfigTest.block("copy\ncopytruncate\nnocopytruncate").set?.mode == .copy)
        #expect(ConfigTest.block("renamecopy\ncopy").set?.mode == .copy)
        #expect(ConfigTest.block("renamecopy\ncopy\nnocopy").set?.mode == .renameCopy)
        let off = try #require(ConfigTest.block("copy\nnocopy\ncopytruncate\nnocopytruncate\nrenamecopy\nnorenamecopy").set)
        #expect(off.mode == .rename)
    }

    @Test func su() {
        #expect(ConfigTest.block("su root adm").set.map { [$0.su?.uid, $0.su?.gid] } == [0, 4])
        #expect(ConfigTest.block("su www-data", globals: "su root adm").set.map { [$0.su?.uid, $0.su?.gid] } == [33, 4])
        #expect(ConfigTest.block("su 33 4").set.map { [$0.su?.uid, $0.su?.gid] } == [33, 4])
    }

    @Test func selectionAndFileFlags() throws {
        let s = try #require(ConfigTest.block("missingok\nnotifempty\nignoreduplicates\nallowhardlink\nshred\nsharedscripts").set)
        #expect(s.missingOK && !s.ifEmpty && s.ignoreDuplicates && s.allowHardlink && s.shred && s.sharedScripts)
        let off = try #require(ConfigTest.block("missingok\nnomissingok\nnotifempty\nifempty\nallowhardlink\nnoallowhardlink\nshred\nnoshred\nsharedscripts\nnosharedscripts").set)
        #expect(!off.missingOK && off.ifEmpty && !off.allowHardlink && !off.shred && !off.sharedScripts)
    }

    @Test func flagsMayShareALineAsInLogrotate() throws {
        let c = ConfigTest.parse("/var/log/a { compress missingok }\n")
        #expect(c.diagnostics.isEmpty)
        let s = try #require(c.logSets.first)
        #expect(s.compress && s.missingOK)
    }

    @Test func mailIsParsedWithoutWarnings() throws {
        let r = ConfigTest.block("mail admin@example.org\nmailfirst")
        let s = try #require(r.set)
        #expect(s.mail == "admin@example.org")
        #expect(s.mailFirst)
        #expect(r.config.diagnostics.isEmpty)
        #expect(ConfigTest.block("mail a@b\nnomail").set?.mail == nil)
        #expect(ConfigTest.block("mailfirst\nmaillast").set?.mailFirst == false)
    }

    @Test func scriptsAreKeptVerbatim() throws {
        let c = ConfigTest.parse("""
            /var/log/a {
                prerotate
                    echo "pre $1"
                endscript
                postrotate
                  if true; then
                \tkill -HUP 1   # } not a brace
                  fi
                endscript
                firstaction
                    first
                endscript
                lastaction
                    last
                endscript
                preremove
                    rm -f "$1"
                endscript
            }
            """)
        #expect(c.diagnostics.isEmpty)
        let s = try #require(c.logSets.first)
        #expect(s.preRotate == Script(text: "        echo \"pre $1\"\n", location: RotationEngine.SourceLocation(file: "/etc/test.conf", line: 2, column: 5)))
        #expect(s.postRotate?.text == "      if true; then\n    \tkill -HUP 1   # } not a brace\n      fi\n")
        #expect(s.firstAction?.text == "        first\n")
        #expect(s.lastAction?.text == "        last\n")
        #expect(s.preRemove?.text == "        rm -f \"$1\"\n")
        #expect(s.postRotate?.location.line == 5)
    }

    @Test func globalScriptsAreInherited() throws {
        let c = ConfigTest.parse("postrotate\n  /bin/true\nendscript\n/var/log/a {\n}\n")
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.first?.postRotate?.text == "  /bin/true\n")
    }

    @Test func extensions() throws {
        let s = try #require(ConfigTest.block("""
            pidfile /run/a.pid
            pidfile = /run/b.pid
            signal USR1
            scripttimeout 60
            reopentimeout 0.5
            maxtotalsize 100M
            """, globals: "pidfile /run/global.pid").set)
        #expect(s.pidFiles == ["/run/global.pid", "/run/a.pid", "/run/b.pid"])
        #expect(s.signal == 10)
        #expect(s.scriptTimeout == 60)
        #expect(s.reopenTimeout == 0.5)
        #expect(s.maxTotalSize == Int64(100 * 1024 * 1024))
        #expect(ConfigTest.block("pidfile /run/a.pid\nnopidfile").set?.pidFiles == [])
    }

    @Test(arguments: [("HUP", 1), ("SIGHUP", 1), ("usr2", 12), ("SIGTERM", 15), ("WINCH", 28), ("INT", 2),
                      ("QUIT", 3), ("SIGUSR1", 10), ("34", 34), ("1", 1), ("64", 64)])
    func signalNames(name: String, number: Int32) {
        let r = ConfigTest.block("signal \(name)")
        #expect(r.config.errors.isEmpty)
        #expect(r.set?.signal == number)
    }

    @Test func globalsAreInheritedAndBlocksDoNotLeak() throws {
        let c = ConfigTest.parse("""
            compress
            rotate 4
            weekly
            /var/log/a {
                rotate 9
                nocompress
            }
            /var/log/b {
            }
            daily
            /var/log/c {
            }
            """)
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.count == 3)
        let a = c.logSets[0], b = c.logSets[1], cc = c.logSets[2]
        #expect(a.rotate == 9 && !a.compress && a.frequency == .weekly(weekday: 0))
        #expect(b.rotate == 4 && b.compress && b.frequency == .weekly(weekday: 0))
        #expect(cc.frequency == .daily && cc.rotate == 4)
    }

    @Test func patternsQuotesMultipleLinesAndTilde() throws {
        let home = AccountLookup.currentHome() ?? ""
        let c = ConfigTest.parse("""
            "/var/log/my app.log" '/var/log/it''s' /var/log/a\\ b.log
            # a comment between patterns
            /var/log/*.log
            ~/logs/*.log
            {
                daily
            }
            ~root/x.log {}
            """)
        #expect(c.diagnostics.isEmpty)
        let s = try #require(c.logSets.first)
        #expect(s.patterns == ["/var/log/my app.log", "/var/log/its", "/var/log/a b.log", "/var/log/*.log", home + "/logs/*.log"])
        #expect(s.location.line == 1)
        #expect(c.logSets.last?.patterns == [(AccountLookup.home(ofUser: "root") ?? "?") + "/x.log"])
    }

    @Test func keyEqualsValueAndComments() throws {
        let c = ConfigTest.parse("""
            # comment
               # indented comment
            rotate = 3
            /var/log/a {
                size=10k
                compress # trailing comment after a flag
            } # after brace
            """)
        #expect(c.diagnostics.isEmpty)
        let s = try #require(c.logSets.first)
        #expect(s.rotate == 3 && s.size == Int64(10 * 1024) && s.compress)
    }

    @Test func crlfLinesParse() {
        let c = ConfigTest.parse("/var/log/a {\r\n  daily\r\n  rotate 2\r\n}\r\n")
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.first?.rotate == 2)
    }

    @Test func parseTextReportsFileRead() {
        let c = ConfigTest.parse("", file: "/x/empty.conf")
        #expect(c.logSets.isEmpty && c.diagnostics.isEmpty && c.filesRead == ["/x/empty.conf"])
    }
}

@Suite("ConfigParser lexical details") struct ConfigLexicalTests {
    @Test func scriptKeywordLineAndEndscriptFollowedByBrace() throws {
        let c = ConfigTest.parse("/var/log/a {\n  postrotate echo hi\n    more\n  endscript }\n/var/log/b {\n}\n")
        #expect(c.diagnostics.isEmpty, "\(c.diagnostics)")
        #expect(c.logSets.count == 2)
        #expect(c.logSets.first?.postRotate?.text == "echo hi\n    more\n")
    }

    @Test func endscriptMustBeAWord() throws {
        let c = ConfigTest.parse("/var/log/a {\n  prerotate\n    endscripts are not the end\n  endscript\n}\n")
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.first?.preRotate?.text == "    endscripts are not the end\n")
    }

    @Test func deprecatedErrorsDirectiveWarns() {
        let c = ConfigTest.parse("errors root@localhost\n")
        #expect(c.errors.isEmpty)
        #expect(c.diagnostics.first?.message.contains("deprecated") == true)
    }

    @Test func unknownDirectiveColumn() {
        let c = ConfigTest.parse("/var/log/a {\n    bogus 1\n}\n")
        #expect(c.errors.isEmpty)
        #expect(c.diagnostics.first?.location == RotationEngine.SourceLocation(file: "/etc/test.conf", line: 2, column: 5))
    }

    @Test func olddirAndPidfileExpandHome() {
        let home = AccountLookup.currentHome() ?? "?"
        let s = ConfigTest.block("olddir ~/old\npidfile ~/run/app.pid").set
        #expect(s?.oldDir == home + "/old")
        #expect(s?.pidFiles == [home + "/run/app.pid"])
    }

    @Test func quotedPatternsMayHoldBracesAndHashes() throws {
        let c = ConfigTest.parse("\"/var/log/{odd}#name.log\" {\n}\n")
        #expect(c.diagnostics.isEmpty)
        #expect(c.logSets.first?.patterns == ["/var/log/{odd}#name.log"])
    }

    @Test func argumentSplittingFollowsPopt() {
        #expect(ConfigValue.arguments("a  b\t'c d' \"e\\\"f\" g\\ h") == ["a", "b", "c d", "e\"f", "g h"])
        #expect(ConfigValue.arguments("'a\\b'") == ["a\\b"])
        #expect(ConfigValue.arguments("\"\" x") == ["x"])
        #expect(ConfigValue.arguments("'open") == nil)
        #expect(ConfigValue.arguments("trailing\\") == nil)
    }

    @Test func integersFollowStrtol() {
        #expect(ConfigValue.integer("42")?.value == 42)
        #expect(ConfigValue.integer("0x1F")?.value == 31)
        #expect(ConfigValue.integer("010")?.value == 8)
        #expect(ConfigValue.integer("010")?.octal == true)
        #expect(ConfigValue.integer("07")?.octal == false)
        #expect(ConfigValue.integer("-1")?.value == -1)
        #expect(ConfigValue.integer("+3")?.value == 3)
        #expect(ConfigValue.integer("0")?.value == 0)
        #expect(ConfigValue.integer("09") == nil)
        #expect(ConfigValue.integer("0x") == nil)
        #expect(ConfigValue.integer("") == nil)
        #expect(ConfigValue.integer("1e3") == nil)
        #expect(ConfigValue.integer("99999999999999999999") == nil)
    }
}
