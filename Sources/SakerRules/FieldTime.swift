/// Renders event timestamps (ns since the epoch) in UTC, without Foundation.
public enum FieldTime {
    /// The civil date and time of a timestamp.
    struct Civil {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int
    }

    static func civil(_ timestamp: UInt64) -> Civil {
        let seconds = Int(timestamp / 1_000_000_000)
        let nanosecond = Int(timestamp % 1_000_000_000)
        let days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return Civil(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60,
            second: secondOfDay % 60, nanosecond: nanosecond)
    }

    /// `HH:MM:SS.nnnnnnnnn` (`evt.time`, the text alert's prefix).
    public static func clock(_ timestamp: UInt64) -> String {
        let c = civil(timestamp)
        return pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2) + "." + pad(c.nanosecond, 9)
    }

    /// `HH:MM:SS` (`evt.time.s`).
    public static func clockSeconds(_ timestamp: UInt64) -> String {
        let c = civil(timestamp)
        return pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2)
    }

    /// `YYYY-MM-DD` (`evt.date`).
    public static func date(_ timestamp: UInt64) -> String {
        let c = civil(timestamp)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// RFC 3339 with nanoseconds, UTC: `2026-11-27T12:00:00.123456789Z` (the JSON alert's `time`).
    public static func rfc3339(_ timestamp: UInt64) -> String {
        date(timestamp) + "T" + clock(timestamp) + "Z"
    }

    /// `YYYY-MM-DD HH:MM:SS.nnnnnnnnn` (`evt.datetime`).
    public static func dateTime(_ timestamp: UInt64) -> String {
        date(timestamp) + " " + clock(timestamp)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
