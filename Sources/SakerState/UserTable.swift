import Glibc

/// A user account (`user.name`, `user.homedir`, `user.shell`).
public struct UserInfo: Sendable, Equatable {
    /// The user id.
    public var uid: UInt32
    /// The primary group id.
    public var gid: UInt32
    /// The login name.
    public var name: String
    /// The home directory.
    public var home: String
    /// The login shell.
    public var shell: String

    /// Creates a user record.
    public init(uid: UInt32, gid: UInt32, name: String, home: String, shell: String) {
        self.uid = uid
        self.gid = gid
        self.name = name
        self.home = home
        self.shell = shell
    }
}

/// A group (`group.name`).
public struct GroupInfo: Sendable, Equatable {
    /// The group id.
    public var gid: UInt32
    /// The group name.
    public var name: String

    /// Creates a group record.
    public init(gid: UInt32, name: String) {
        self.gid = gid
        self.name = name
    }
}

/// Resolves user and group ids to names from `<root>/etc/passwd` and `<root>/etc/group`, where
/// the root is `/` for host processes and `/proc/PID/root` for container processes (each
/// container has its own accounts). Files are parsed once per container and cached; on a miss
/// they are re-read if they changed, at most once per ``reloadInterval``.
///
/// A class because lookups fill the cache; not thread-safe (the pipeline owns one).
public final class UserTable {
    /// The host root, prepended to every path, `/proc/PID/root` included (tests point it at a
    /// fake tree).
    public let hostRoot: String
    /// Minimum time between re-reads of a changed file on a miss, in ns.
    public let reloadInterval: UInt64

    private var databases: [String: Database] = [:]

    private struct Database {
        var users: [UInt32: UserInfo] = [:]
        var groups: [UInt32: GroupInfo] = [:]
        var passwdStamp: FileStamp?
        var groupStamp: FileStamp?
        var checkedAt: UInt64 = 0
    }

    private struct FileStamp: Equatable {
        var inode: UInt64
        var modified: UInt64
        var size: Int64
    }

    /// Creates a table reading accounts under `hostRoot`.
    public init(hostRoot: String = "/", reloadInterval: UInt64 = 1_000_000_000) {
        self.hostRoot = hostRoot
        self.reloadInterval = reloadInterval
    }

    /// The user with this uid as `process` sees it (its container's accounts), nil if none.
    public func user(uid: UInt32, for process: ProcessEntry) -> UserInfo? {
        user(uid: uid, container: process.container, rootDirectory: rootDirectory(for: process))
    }

    /// The group with this gid as `process` sees it, nil if none.
    public func group(gid: UInt32, for process: ProcessEntry) -> GroupInfo? {
        group(gid: gid, container: process.container, rootDirectory: rootDirectory(for: process))
    }

    /// `user.loginname`: the name of the process's login uid, nil when the login uid is unset
    /// (-1) or unknown.
    public func loginName(for process: ProcessEntry) -> String? {
        guard process.loginUID >= 0, process.loginUID < 0xffff_ffff else { return nil }
        return user(uid: UInt32(process.loginUID), for: process)?.name
    }

    /// The user with this uid in a given container, reading accounts under `rootDirectory`
    /// (relative to ``hostRoot``) the first time the container is seen.
    public func user(uid: UInt32, container: ContainerID, rootDirectory: String) -> UserInfo? {
        let key = container.id
        if let found = databases[key]?.users[uid] { return found }
        reloadIfChanged(key: key, rootDirectory: rootDirectory)
        return databases[key]?.users[uid]
    }

    /// The group with this gid in a given container.
    public func group(gid: UInt32, container: ContainerID, rootDirectory: String) -> GroupInfo? {
        let key = container.id
        if let found = databases[key]?.groups[gid] { return found }
        reloadIfChanged(key: key, rootDirectory: rootDirectory)
        return databases[key]?.groups[gid]
    }

    /// The root to read a process's accounts from, relative to ``hostRoot``: `/` on the host,
    /// `/proc/PID/root` in a container.
    public func rootDirectory(for process: ProcessEntry) -> String {
        process.container.isHost ? "/" : "/proc/\(process.pid)/root"
    }

    /// Forgets everything cached (on configuration reload).
    public func removeAll() { databases.removeAll() }

    private func reloadIfChanged(key: String, rootDirectory: String) {
        let now = Self.monotonicNow()
        var database = databases[key] ?? Database()
        if databases[key] != nil && now &- database.checkedAt < reloadInterval { return }
        database.checkedAt = now
        let base = Self.join(hostRoot, rootDirectory)
        let passwdPath = Self.join(base, "etc/passwd")
        let groupPath = Self.join(base, "etc/group")
        let passwdStamp = Self.stamp(passwdPath)
        if passwdStamp != database.passwdStamp || databases[key] == nil {
            database.passwdStamp = passwdStamp
            database.users = Self.parsePasswd(Self.readText(passwdPath))
        }
        let groupStamp = Self.stamp(groupPath)
        if groupStamp != database.groupStamp || databases[key] == nil {
            database.groupStamp = groupStamp
            database.groups = Self.parseGroup(Self.readText(groupPath))
        }
        databases[key] = database
    }

    /// Parses `name:password:uid:gid:gecos:home:shell` lines; malformed lines are skipped.
    static func parsePasswd(_ text: String) -> [UInt32: UserInfo] {
        var users: [UInt32: UserInfo] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { continue }
            if users[uid] != nil { continue }  // the first entry wins, as getpwuid does
            users[uid] = UserInfo(
                uid: uid, gid: gid, name: String(fields[0]), home: String(fields[5]), shell: String(fields[6]))
        }
        return users
    }

    /// Parses `name:password:gid:members` lines; malformed lines are skipped.
    static func parseGroup(_ text: String) -> [UInt32: GroupInfo] {
        var groups: [UInt32: GroupInfo] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, let gid = UInt32(fields[2]) else { continue }
            if groups[gid] != nil { continue }
            groups[gid] = GroupInfo(gid: gid, name: String(fields[0]))
        }
        return groups
    }

    private static func readText(_ path: String) -> String {
        var buffer: [UInt8] = []
        guard let count = ProcFS.read(path, into: &buffer, limit: 16 << 20) else { return "" }
        return ProcText.string(buffer, count: count)
    }

    private static func stamp(_ path: String) -> FileStamp? {
        guard let info = ProcFS.status(path) else { return nil }
        let modified = ProcFS.nanoseconds(info.st_mtim)
        return FileStamp(inode: UInt64(info.st_ino), modified: modified, size: Int64(info.st_size))
    }

    private static func join(_ base: String, _ path: String) -> String {
        if base.isEmpty || base == "/" { return path.hasPrefix("/") ? path : "/" + path }
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        return path.hasPrefix("/") ? trimmedBase + path : trimmedBase + "/" + path
    }

    private static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return ProcFS.nanoseconds(now)
    }
}
