import Glibc

/// The watchdog systemd asked for, read from `WATCHDOG_USEC` and `WATCHDOG_PID` the way
/// `sd_watchdog_enabled(3)` reads them.
public struct WatchdogConfiguration: Sendable, Hashable {
    /// The variable holding `WatchdogSec=` in microseconds.
    public static let timeoutVariable = "WATCHDOG_USEC"
    /// The variable naming the process the watchdog is meant for.
    public static let pidVariable = "WATCHDOG_PID"

    /// How long systemd waits for a ping before it kills the service, in microseconds.
    public let timeoutUsec: UInt64

    /// How often to ping: half the timeout, as `sd_watchdog_enabled(3)` recommends, so one late
    /// ping is not fatal.
    public var intervalUsec: UInt64 { timeoutUsec / 2 }

    /// A watchdog with the given timeout (which must be above zero).
    public init(timeoutUsec: UInt64) {
        self.timeoutUsec = max(timeoutUsec, 1)
    }

    /// The watchdog described by this process's environment, or `nil` when there is none.
    ///
    /// - Parameter unsetEnvironment: remove both variables, so children do not inherit them.
    /// - Throws: ``WatchdogConfigurationError`` when a variable is set but unusable.
    public static func fromEnvironment(unsetEnvironment: Bool = false) throws(WatchdogConfigurationError) -> WatchdogConfiguration? {
        let usec = getenv(timeoutVariable).map { String(cString: $0) }
        let pid = getenv(pidVariable).map { String(cString: $0) }
        if unsetEnvironment {
            unsetenv(timeoutVariable)
            unsetenv(pidVariable)
        }
        return try parse(watchdogUsec: usec, watchdogPID: pid, processID: getpid())
    }

    /// The watchdog described by the two variables' values, for process `processID`.
    ///
    /// As in `sd_watchdog_enabled(3)`: no `WATCHDOG_USEC` means no watchdog; a `WATCHDOG_PID` that
    /// names another process means the variables were inherited and are not ours (no watchdog);
    /// an unset `WATCHDOG_PID` means the watchdog is ours. A value that is not a number, a timeout
    /// of zero or of `UINT64_MAX` (infinity), or a pid that is not positive is an error.
    public static func parse(watchdogUsec: String?, watchdogPID: String?, processID: pid_t) throws(WatchdogConfigurationError) -> WatchdogConfiguration? {
        guard let watchdogUsec else { return nil }
        guard let usec = UInt64(watchdogUsec), usec > 0, usec < UInt64.max else {
            throw WatchdogConfigurationError(variable: timeoutVariable, value: watchdogUsec, expected: "a number of microseconds above zero")
        }
        if let watchdogPID {
            guard let pid = pid_t(watchdogPID), pid > 0 else {
                throw WatchdogConfigurationError(variable: pidVariable, value: watchdogPID, expected: "a process id")
            }
            guard pid == processID else { return nil }
        }
        return WatchdogConfiguration(timeoutUsec: usec)
    }
}

/// A watchdog variable that is set but cannot be used.
public struct WatchdogConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable's name.
    public let variable: String
    /// Its value.
    public let value: String
    /// What it should have held.
    public let expected: String

    /// A sentence for the log.
    public var description: String { "\(variable)=\(value): expected \(expected)" }
}
