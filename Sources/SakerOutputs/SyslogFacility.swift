/// A syslog facility; the raw values are the names used in the configuration (`outputs.syslog.facility`).
public enum SyslogFacility: String, Sendable, Hashable, CaseIterable {
    /// `kern`
    case kern
    /// `user`
    case user
    /// `mail`
    case mail
    /// `daemon`
    case daemon
    /// `auth`
    case auth
    /// `syslog`
    case syslog
    /// `lpr`
    case lpr
    /// `news`
    case news
    /// `uucp`
    case uucp
    /// `cron`
    case cron
    /// `authpriv`
    case authpriv
    /// `ftp`
    case ftp
    /// `local0`
    case local0
    /// `local1`
    case local1
    /// `local2`
    case local2
    /// `local3`
    case local3
    /// `local4`
    case local4
    /// `local5`
    case local5
    /// `local6`
    case local6
    /// `local7`
    case local7

    /// The facility number of RFC 5424 (and `<syslog.h>`'s `LOG_xxx >> 3`).
    public var code: Int {
        switch self {
        case .kern: 0
        case .user: 1
        case .mail: 2
        case .daemon: 3
        case .auth: 4
        case .syslog: 5
        case .lpr: 6
        case .news: 7
        case .uucp: 8
        case .cron: 9
        case .authpriv: 10
        case .ftp: 11
        case .local0: 16
        case .local1: 17
        case .local2: 18
        case .local3: 19
        case .local4: 20
        case .local5: 21
        case .local6: 22
        case .local7: 23
        }
    }
}
