public import SakerConfig

/// A syslog facility: the configuration's `outputs.syslog.facility` values, defined once there.
public typealias SyslogFacility = AgentConfiguration.Outputs.Syslog.Facility

extension AgentConfiguration.Outputs.Syslog.Facility {
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
