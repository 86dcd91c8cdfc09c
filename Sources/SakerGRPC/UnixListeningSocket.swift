import Glibc
import SakerOutputs

/// The gRPC output's listening socket, made before gRPC sees it: the socket is bound at a
/// temporary name beside the path, given its mode and group, made to listen, and only then renamed
/// over the path. So no client can connect while its permissions are still the umask's, and a
/// failure (a group the agent may not use, say) leaves whatever serves the path now — the running
/// configuration's socket during a reload — in place.
enum UnixListeningSocket {
    /// The socket's file: path, permission bits and group name.
    struct Settings: Sendable {
        var path: String
        var mode: UInt32
        var group: String
    }

    /// A listening, close-on-exec `AF_UNIX` stream socket at `settings.path`.
    /// - Throws: ``SinkError`` naming the path and the failing step: the group does not exist,
    ///   the path is taken by something that is not a socket, or a call failed.
    static func make(_ settings: Settings) throws(SinkError) -> Int32 {
        let path = settings.path
        guard path.hasPrefix("/") else { throw SinkError("outputs.grpc.socket must be an absolute path: \(path)") }
        let groupID = try lookUpGroup(settings.group)
        try refuseNonSocket(at: path)
        try makeParentDirectory(of: path)
        // A leftover of an earlier attempt that died between bind and rename.
        let staging = path + ".new"
        try refuseNonSocket(at: staging)
        unlink(staging)

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw systemError("cannot create a unix socket for \(path)") }
        let bound = Posix.withUnixAddress(staging) { bind(fd, $0, $1) }
        guard let bound, bound == 0 else {
            let error = bound == nil ? SinkError("socket path too long: \(staging)") : systemError("cannot bind \(staging)")
            Glibc.close(fd)
            throw error
        }
        do throws(SinkError) {
            guard chmod(staging, mode_t(settings.mode & 0o7777)) == 0 else {
                throw systemError("cannot chmod \(staging) to \(String(settings.mode, radix: 8))")
            }
            try giveToGroup(staging, groupID, name: settings.group, socket: path)
            guard listen(fd, 64) == 0 else { throw systemError("cannot listen on \(staging)") }
            // Atomic: clients see the old socket (a stale one, or the running configuration's
            // during a reload) until this one, ready, takes its name.
            guard rename(staging, path) == 0 else { throw systemError("cannot rename \(staging) to \(path)") }
        } catch {
            Glibc.close(fd)
            unlink(staging)
            throw error
        }
        return fd
    }

    /// Gives the socket file to the group. Without CAP_CHOWN (the agent drops it: docs/security.md)
    /// this works when the agent has the group as its own or a supplementary group, as under the
    /// systemd unit (`Group=saker`), where the file is born with that group and nothing changes.
    /// The corresponding C function is `chown`.
    /// `socket` is the configured path, named in errors (`path` is where it is being made).
    private static func giveToGroup(_ path: String, _ groupID: gid_t, name: String, socket: String) throws(SinkError) {
        var info = stat()
        if lstat(path, &info) == 0, info.st_gid == groupID { return }
        guard chown(path, uid_t.max, groupID) != 0 else { return }
        let error = systemError("cannot give \(socket) to group \(name)")
        guard error.errno == EPERM else { throw error }
        throw SinkError(
            "cannot give \(socket) to group \(name): not permitted, as the agent keeps no CAP_CHOWN; run it with "
                + "the group as its group or a supplementary one (the systemd unit's Group=\(name); from a shell, "
                + "setpriv --groups=\(name) saker run …) or set outputs.grpc.group to a group it has")
    }

    /// The inode of the socket file now at `path`, if it is a socket.
    static func socketInode(at path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return UInt64(info.st_ino)
    }

    /// The group's id. The corresponding C function is `getgrnam_r`.
    private static func lookUpGroup(_ name: String) throws(SinkError) -> gid_t {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else {
            throw SinkError(
                "outputs.grpc.group \(name) does not exist (create it, e.g. groupadd --system \(name), or set another group)",
                errno: status == 0 ? nil : status)
        }
        return entry.gr_gid
    }

    /// Refuses a path taken by anything but a socket (which the new socket will replace).
    private static func refuseNonSocket(at path: String) throws(SinkError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw SinkError("outputs.grpc.socket \(path) exists and is not a socket; not replacing it")
        }
    }

    /// Creates the socket's directory (0755) when it is missing; its parents must exist.
    private static func makeParentDirectory(of path: String) throws(SinkError) {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex else { return }
        let directory = String(path[..<slash])
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw systemError("cannot create the socket's directory \(directory)")
        }
    }
}

/// An error for the current `errno`.
private func systemError(_ message: String) -> SinkError { SinkError(message, errno: errno) }
