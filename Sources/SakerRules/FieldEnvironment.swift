internal import Glibc

/// What fields read besides the event and the process table: the host name and the user and
/// group databases. Built once at start (and on reload), shared read-only by every evaluation
/// (a class, so each event's context holds one reference rather than copies).
public final class FieldEnvironment: Sendable {
    /// `evt.hostname`.
    public let hostname: String
    /// Names of users and groups (`user.name`, `group.name`, `evt.arg.uid`).
    public let users: FieldUserDirectory

    /// Creates an environment.
    public init(hostname: String = "", users: FieldUserDirectory = FieldUserDirectory()) {
        self.hostname = hostname
        self.users = users
    }
}

extension FieldEnvironment {
    /// This host: its name from `gethostname(2)`, users and groups from `/etc/passwd` and
    /// `/etc/group` (empty when unreadable). Pass the pipeline's `UserTable` to
    /// ``RuleEngine/process(_:process:state:users:)`` for per-container accounts.
    public static func currentHost() -> FieldEnvironment {
        var buffer = [CChar](repeating: 0, count: 256)
        let hostname = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let users = FieldUserDirectory(passwd: readText("/etc/passwd"), group: readText("/etc/group"))
        return FieldEnvironment(hostname: hostname, users: users)
    }

    private static func readText(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
