internal import Glibc

/// What the loader needs to know about a path: its kind, permission bits and owner.
public struct FileStatus: Sendable, Hashable {
    /// The kind of file.
    public enum Kind: Sendable, Hashable {
        /// A regular file.
        case regular
        /// A directory.
        case directory
        /// Anything else (device, socket, fifo).
        case other
    }

    /// The kind of file (symbolic links followed).
    public var kind: Kind
    /// The permission bits (`st_mode & 0o7777`).
    public var permissions: UInt32
    /// The owner's user id.
    public var ownerUID: UInt32

    /// Creates a status.
    public init(kind: Kind, permissions: UInt32, ownerUID: UInt32) {
        self.kind = kind
        self.permissions = permissions
        self.ownerUID = ownerUID
    }
}

/// A failed file system call, with its `errno`.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` value.
    public var errno: Int32

    /// Creates an error from an `errno` value.
    public init(errno: Int32) { self.errno = errno }

    /// The system's text for the error ("No such file or directory").
    public var description: String { String(cString: strerror(errno)) }

    /// True for `ENOENT`.
    public var isNotFound: Bool { errno == ENOENT }
}

/// The file system as the configuration loader sees it; tests inject their own to simulate
/// unreadable files or files owned by another user without `chown`.
public protocol ConfigFileSystem: Sendable {
    /// The status of a path, following symbolic links. The corresponding C function is `stat`.
    func status(ofPath path: String) throws(FileSystemError) -> FileStatus
    /// The whole content of a file.
    func contents(ofFile path: String) throws(FileSystemError) -> [UInt8]
    /// The names in a directory, without `.` and `..`, in no particular order.
    func entries(ofDirectory path: String) throws(FileSystemError) -> [String]
    /// Whether the calling process may read the path. The corresponding C function is `access`.
    func isReadable(_ path: String) -> Bool
}

/// The real file system.
public struct LocalFileSystem: ConfigFileSystem {
    /// Creates the file system.
    public init() {}

    /// The status of a path, following symbolic links. The corresponding C function is `stat`.
    public func status(ofPath path: String) throws(FileSystemError) -> FileStatus {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileSystemError(errno: errno) }
        let type = info.st_mode & S_IFMT
        let kind: FileStatus.Kind = type == S_IFREG ? .regular : type == S_IFDIR ? .directory : .other
        return FileStatus(kind: kind, permissions: UInt32(info.st_mode & 0o7777), ownerUID: UInt32(info.st_uid))
    }

    /// The whole content of a file.
    public func contents(ofFile path: String) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    /// The names in a directory, without `.` and `..`.
    public func entries(ofDirectory path: String) throws(FileSystemError) -> [String] {
        guard let directory = opendir(path) else { throw FileSystemError(errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether the calling process may read the path. The corresponding C function is `access`.
    public func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }
}

/// Who may own, and who may write, the configuration and rules files the agent accepts.
///
/// A rules file anyone but root can change is a way to switch detection off, so by default files
/// must be owned by root and not writable by group or others.
public struct FileTrustPolicy: Sendable, Hashable {
    /// The user ids allowed to own configuration and rules files (default: root only).
    public var trustedOwners: Set<UInt32>
    /// When false, ownership and mode are not checked at all.
    public var isEnforced: Bool

    /// Creates a policy.
    public init(trustedOwners: Set<UInt32> = [0], isEnforced: Bool = true) {
        self.trustedOwners = trustedOwners
        self.isEnforced = isEnforced
    }

    /// Why a file with this status is not trusted, or nil when it is.
    public func problem(with status: FileStatus, path: String) -> String? {
        guard isEnforced else { return nil }
        if !trustedOwners.contains(status.ownerUID) {
            let owners = trustedOwners.sorted().map { $0 == 0 ? "root" : "uid \($0)" }.joined(separator: ", ")
            return "'\(path)' is owned by uid \(status.ownerUID), not \(owners): refusing a file that anyone but root can change"
        }
        if status.permissions & 0o022 != 0 {
            let who = status.permissions & 0o002 != 0 ? "world-writable" : "group-writable"
            return "'\(path)' is \(who) (mode 0\(String(status.permissions, radix: 8))): refusing a file that anyone but root can change (chmod go-w)"
        }
        return nil
    }

    /// Why a file's containing directory lets someone else replace the file, or nil when it does
    /// not: the directory must be owned by a trusted user and not writable by group or others,
    /// unless its sticky bit is set (as on `/tmp`, where only a file's owner may replace it).
    public func problem(withDirectory status: FileStatus, path: String) -> String? {
        guard isEnforced else { return nil }
        if !trustedOwners.contains(status.ownerUID) || (status.permissions & 0o022 != 0 && status.permissions & 0o1000 == 0) {
            let reason = problem(with: status, path: path) ?? ""
            return "the directory of the file lets others replace it: " + reason
        }
        return nil
    }
}
