import RotationEngine

/// What rotatectl prints under the name `logrotate` for `--version`, `--usage`, `--help` and a
/// command line without a configuration: logrotate 3.21's texts, in its shape and on its streams, so
/// that scripts reading them (the version's second word, the usage's options) keep working.
enum LogrotateText {
    /// The logrotate version whose command line and behaviour rotatectl follows under that name.
    static let version = "3.21.0"
    static let defaultState = "/var/lib/logrotate/status"
    static let defaultMail = "/usr/bin/mail"

    /// `--version`, on standard output.
    static var versionText: String {
        """
        logrotate \(version) (rotatectl \(RotatectlVersion.current))

            Default mail command:       \(defaultMail)
            Default compress command:   gzip (in-process)
            Default uncompress command: gunzip
            Default compress extension: .gz
            Default state file path:    \(defaultState)
            ACL support:                no
            SELinux support:            no
        """
    }

    /// `--usage`, on standard output; after `banner` on standard error when no configuration is named.
    static let usage = """
        Usage: logrotate [-dfv?] [-d|--debug] [-f|--force] [-m|--mail=command]
                [-s|--state=statefile] [--skip-state-lock] [--wait-for-state-lock]
                [-v|--verbose] [-l|--log=logfile] [--version] [-?|--help] [--usage]
                [OPTION...] <configfile>
        """

    /// Before `usage` and a blank line when no configuration is named.
    static var banner: String {
        """
        logrotate \(version) - Copyright (C) 1995-2001 Red Hat, Inc.
        This may be freely redistributed under the terms of the GNU General Public License
        """
    }

    /// `-?` and `--help`, on standard output.
    static let help = """
        Usage: logrotate [OPTION...] <configfile>
          -d, --debug                   Don't do anything, just test and print debug
                                        messages
          -f, --force                   Force file rotation
          -m, --mail=command            Command to send mail (instead of
                                        `/usr/bin/mail')
          -s, --state=statefile         Path of state file
              --skip-state-lock         Do not lock the state file
              --wait-for-state-lock     Wait for lock on the state file
          -v, --verbose                 Display messages during rotation
          -l, --log=logfile             Log file or 'syslog' to log to syslog
              --version                 Display version information

        Help options:
          -?, --help                    Show this help message
              --usage                   Display brief usage message
        """

    /// What `-d` says first, as logrotate does.
    static let debugWarning = "warning: logrotate in debug mode does nothing except printing debug messages!  "
        + "Consider using verbose mode (-v) instead if this is not what you want."

    /// popt's message for a bad argument (its "unknown error" included), on standard error.
    static func badArgument(_ arg: String) -> String {
        "logrotate: bad argument \(arg): unknown error"
    }
}
