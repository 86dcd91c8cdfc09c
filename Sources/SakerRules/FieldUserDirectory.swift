/// The users and groups of the host, by id (what libs reads from `/etc/passwd` and `/etc/group`).
public struct FieldUserDirectory: Sendable {
    /// One user.
    public struct User: Sendable, Hashable {
        /// The login name.
        public var name: String
        /// The home directory.
        public var home: String
        /// The login shell.
        public var shell: String

        /// Creates a user.
        public init(name: String, home: String = "", shell: String = "") {
            self.name = name
            self.home = home
            self.shell = shell
        }
    }

    /// Users by uid.
    public var users: [UInt32: User]
    /// Group names by gid.
    public var groups: [UInt32: String]

    /// A directory with these entries (empty by default).
    public init(users: [UInt32: User] = [:], groups: [UInt32: String] = [:]) {
        self.users = users
        self.groups = groups
    }

    /// Parses the text of `/etc/passwd` and `/etc/group`.
    public init(passwd: String, group: String) {
        var users: [UInt32: User] = [:]
        for line in passwd.split(whereSeparator: { $0 == "\n" }) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, let uid = UInt32(fields[2]), users[uid] == nil else { continue }
            users[uid] = User(name: String(fields[0]), home: String(fields[5]), shell: String(fields[6]))
        }
        var groups: [UInt32: String] = [:]
        for line in group.split(whereSeparator: { $0 == "\n" }) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, let gid = UInt32(fields[2]), groups[gid] == nil else { continue }
            groups[gid] = String(fields[0])
        }
        self.init(users: users, groups: groups)
    }

    /// The user with this uid.
    @inlinable
    public func user(_ uid: UInt32) -> User? { users[uid] }

    /// The name of the group with this gid.
    @inlinable
    public func groupName(_ gid: UInt32) -> String? { groups[gid] }
}
