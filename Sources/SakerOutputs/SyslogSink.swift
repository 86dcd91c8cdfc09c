import Glibc
public import SakerConfig
public import SakerRules

/// Alerts to the local syslog socket, one datagram each, in the format glibc's `syslog(3)` sends:
/// `<PRI>Mmm dd HH:MM:SS tag[pid]: line`. PRI is `facility * 8 + severity`, the severity being the
/// alert priority (emergency 0 … debug 7, the same scale); the timestamp is the event's, in local
/// time. Written directly rather than through `openlog`/`syslog` so the socket path can be chosen
/// (tests bind their own) and a full receiver costs a bounded wait, not a blocked thread.
public final class SyslogSink: AlertSink {
    /// The facility of every message.
    public let facility: SyslogFacility
    /// The socket messages are sent to.
    public var socketPath: String { sender.path }
    /// The program name in each message.
    public let tag: String
    /// The message: the text line or the JSON alert.
    public let format: AlertFormat
    private let processID = getpid()
    private let sender: DatagramSender

    /// A sink sending to `socketPath` (`/dev/log` by default).
    public init(facility: SyslogFacility = .daemon, socketPath: String = "/dev/log", tag: String = "saker", format: AlertFormat = .text) {
        self.facility = facility
        sender = DatagramSender(path: socketPath)
        self.tag = tag
        self.format = format
    }

    /// The datagram for one alert.
    public func datagram(for alert: Alert) -> [UInt8] {
        let priority = facility.code * 8 + alert.priority.rawValue
        var bytes = Array("<\(priority)>\(Self.timestamp(alert.time)) \(tag)[\(processID)]: ".utf8)
        bytes.append(contentsOf: format.line(alert))
        return bytes
    }

    /// Sends one datagram per alert; stops at the first that fails.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        try sender.send(batch.lazy.map(datagram(for:)))
    }

    /// Closes the socket; the next batch creates a new one.
    public func reopen() { sender.close() }

    /// Closes the socket.
    public func close() { sender.close() }

    /// `Mmm dd HH:MM:SS` (day padded with a space) in local time, as RFC 3164 and glibc write it.
    static func timestamp(_ nanoseconds: UInt64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let month = months[Int(max(0, min(11, parts.tm_mon)))]
        let day = parts.tm_mday < 10 ? " \(parts.tm_mday)" : "\(parts.tm_mday)"
        return "\(month) \(day) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec))"
    }

    private static func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
