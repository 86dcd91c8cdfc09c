import Glibc

/// One assignment of the sd_notify protocol, as a typed value.
///
/// A datagram carries one or more of these, one `KEY=VALUE` per line (see `sd_notify(3)`).
/// Several messages sent together travel in one datagram, so systemd sees them at once
/// (for example `RELOADING=1` with its `MONOTONIC_USEC=`).
public enum NotifyMessage: Sendable, Hashable {
    /// `READY=1`: start-up is complete (probes attached, rules compiled, first records seen).
    case ready
    /// `RELOADING=1` and `MONOTONIC_USEC=…`: a reload has begun at this `CLOCK_MONOTONIC` time in
    /// microseconds. Send ``ready`` when it is over. Use ``reloadingNow()`` for the current time.
    case reloading(monotonicUsec: UInt64)
    /// `STOPPING=1`: shutdown has begun.
    case stopping
    /// `STATUS=…`: a one-line, human-readable state shown by `systemctl status`. Control
    /// characters (newlines included) are replaced by spaces when the datagram is built, because a
    /// newline would end the assignment and start another.
    case status(String)
    /// `WATCHDOG=1`: the service is alive; resets the `WatchdogSec=` timer.
    case watchdog
    /// `WATCHDOG=trigger`: asks systemd to act as if the watchdog timer had expired.
    case watchdogTrigger
    /// `EXTEND_TIMEOUT_USEC=…`: the current start-up, reload or stop needs this many more
    /// microseconds (counted from now) before systemd gives up on it.
    case extendTimeout(usec: UInt64)
    /// `MAINPID=…`: the main process of the service is this one.
    case mainPID(pid_t)

    /// A ``reloading(monotonicUsec:)`` message stamped with the current `CLOCK_MONOTONIC` time.
    public static func reloadingNow() -> NotifyMessage {
        .reloading(monotonicUsec: MonotonicClock.microseconds())
    }

    /// The message's text: one or more `KEY=VALUE` lines, without a trailing newline.
    public var text: String {
        switch self {
        case .ready: return "READY=1"
        case .reloading(let usec): return "RELOADING=1\nMONOTONIC_USEC=\(usec)"
        case .stopping: return "STOPPING=1"
        case .status(let line): return "STATUS=" + NotifyMessage.singleLine(line)
        case .watchdog: return "WATCHDOG=1"
        case .watchdogTrigger: return "WATCHDOG=trigger"
        case .extendTimeout(let usec): return "EXTEND_TIMEOUT_USEC=\(usec)"
        case .mainPID(let pid): return "MAINPID=\(pid)"
        }
    }

    /// The payload of one datagram carrying `messages`, in order, one assignment per line.
    public static func datagram(_ messages: [NotifyMessage]) -> String {
        messages.map(\.text).joined(separator: "\n")
    }

    /// `text` with every control character (C0, DEL and the Unicode line and paragraph
    /// separators) replaced by a space, so it stays one `KEY=VALUE` line.
    static func singleLine(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7f, 0x85, 0x2028, 0x2029: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

/// `CLOCK_MONOTONIC`, the clock systemd uses for `MONOTONIC_USEC=` and watchdog timing.
public enum MonotonicClock {
    /// Microseconds since an unspecified start (boot, on Linux). The corresponding C function is
    /// `clock_gettime(CLOCK_MONOTONIC)`.
    public static func microseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
