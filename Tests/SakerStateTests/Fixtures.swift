import Glibc
import SakerEvent
import SakerState

/// Builders for crafted events, with Falco's parameter names.
enum Make {
    static func event(
        _ type: String, pid: Int64, tid: Int64? = nil, at timestamp: UInt64 = 1_000_000_000,
        _ params: [(String, ParamValue)] = []
    ) -> Event {
        guard let eventType = EventType(name: type) else { fatalError("unknown event type \(type)") }
        return Event(
            timestamp: timestamp, type: eventType, tid: tid ?? pid, pid: pid,
            params: params.map { EventParam($0.0, $0.1) })
    }

    /// The child side of a fork (`res` 0), as the kernel reports it from the new process.
    static func fork(
        child: Int64, parent: Int64, comm: String? = nil, flags: UInt64 = 0, type: String = "clone",
        uid: UInt64 = 0, at timestamp: UInt64 = 1_000_000_000
    ) -> Event {
        var params: [(String, ParamValue)] = [
            ("res", .pid(0)), ("tid", .pid(child)), ("pid", .pid(child)), ("ptid", .pid(parent)),
            ("flags", .flags(flags, .cloneFlags)), ("uid", .uint(uid)), ("gid", .uint(uid)),
            ("vtid", .pid(child)), ("vpid", .pid(child)),
        ]
        if let comm { params.insert(("comm", .string(comm)), at: 4) }
        return event(type, pid: child, at: timestamp, params)
    }

    /// A new thread `tid` in process `pid`, child side.
    static func thread(_ tid: Int64, of pid: Int64, creator: Int64? = nil, at timestamp: UInt64 = 1_000_000_000) -> Event {
        event(
            "clone", pid: pid, tid: tid, at: timestamp,
            [
                ("res", .pid(0)), ("tid", .pid(tid)), ("pid", .pid(pid)), ("ptid", .pid(creator ?? pid)),
                ("flags", .flags(0x10000 | 0x100 | 0x400 | 0x800, .cloneFlags)), ("vtid", .pid(tid)),
                ("vpid", .pid(pid)),
            ])
    }

    /// A successful execve.
    static func exec(
        pid: Int64, tid: Int64? = nil, parent: Int64 = 1, exe: String, args: [String] = [], comm: String? = nil,
        cwd: String = "/root", env: [String] = ["PATH=/usr/bin", "HOME=/root"], uid: UInt64 = 0, gid: UInt64 = 0,
        loginuid: Int64 = -1, sid: Int64 = 1, pgid: Int64? = nil, tty: UInt64 = 0, exeFlags: UInt64 = 0,
        cgroups: [String] = ["memory=/process_api/715502276f9e1af60e73d3b6880e6051"], exepath: String? = nil,
        caps: UInt64 = 0x1ff_ffff_ffff, at timestamp: UInt64 = 1_000_000_000
    ) -> Event {
        let name = comm ?? String(exe.split(separator: "/").last ?? "")
        let params: [(String, ParamValue)] = [
            ("res", .errno(0)), ("exe", .string(exe)), ("args", .strings(args)), ("tid", .pid(tid ?? pid)),
            ("pid", .pid(pid)), ("ptid", .pid(parent)), ("cwd", .string(cwd)), ("comm", .string(name)),
            ("cgroups", .strings(cgroups)), ("env", .strings(env)), ("tty", .uint(tty)), ("pgid", .pid(pgid ?? pid)),
            ("vpgid", .pid(pgid ?? pid)), ("sid", .pid(sid)), ("loginuid", .int(loginuid)),
            ("flags", .flags(exeFlags, .execFlags)), ("cap_inheritable", .uint(0)), ("cap_permitted", .uint(caps)),
            ("cap_effective", .uint(caps)), ("exe_ino", .uint(1234)), ("exe_ino_ctime", .uint(500)),
            ("exe_ino_mtime", .uint(400)), ("uid", .uint(uid)), ("gid", .uint(gid)),
            ("trusted_exepath", .string(exepath ?? exe)), ("vtid", .pid(tid ?? pid)), ("vpid", .pid(pid)),
            ("pidns", .uint(4_026_531_836)), ("start_ts", .uint(timestamp)), ("filename", .string(exe)),
        ]
        return event("execve", pid: pid, tid: tid, at: timestamp, params)
    }

    /// A process that existed at capture start.
    static func snapshot(
        pid: Int64, parent: Int64, exe: String, args: [String] = [], comm: String? = nil, cwd: String = "/",
        uid: UInt64 = 0, sid: Int64 = 1, pgid: Int64? = nil, fds: [String] = [],
        cgroups: [String] = ["cpu=/"], at timestamp: UInt64 = 1_000
    ) -> Event {
        let name = comm ?? String(exe.split(separator: "/").last ?? "")
        let params: [(String, ParamValue)] = [
            ("exe", .string(exe)), ("args", .strings(args)), ("tid", .pid(pid)), ("pid", .pid(pid)),
            ("ptid", .pid(parent)), ("cwd", .string(cwd)), ("comm", .string(name)), ("cgroups", .strings(cgroups)),
            ("env", .strings([])), ("tty", .uint(0)), ("pgid", .pid(pgid ?? pid)), ("vpgid", .pid(pgid ?? pid)),
            ("sid", .pid(sid)), ("loginuid", .int(-1)), ("flags", .flags(0, .execFlags)),
            ("cap_inheritable", .uint(0)), ("cap_permitted", .uint(0)), ("cap_effective", .uint(0)),
            ("exe_ino", .uint(0)), ("exe_ino_ctime", .uint(0)), ("exe_ino_mtime", .uint(0)), ("uid", .uint(uid)),
            ("gid", .uint(uid)), ("trusted_exepath", .string(exe)), ("vtid", .pid(pid)), ("vpid", .pid(pid)),
            ("pidns", .uint(4_026_531_836)), ("start_ts", .uint(timestamp)), ("fds", .strings(fds)),
        ]
        return event("procsnapshot", pid: pid, at: timestamp, params)
    }

    /// A thread (or whole process, with `groupDead`) exit.
    static func exit(pid: Int64, tid: Int64? = nil, groupDead: Bool = true, reaper: Int64 = 0, at timestamp: UInt64 = 2_000_000_000) -> Event {
        event(
            "procexit", pid: pid, tid: tid, at: timestamp,
            [
                ("status", .int(0)), ("ret", .int(0)), ("sig", .uint(0)), ("core", .uint(0)),
                ("reaper_tid", .pid(reaper)), ("group_dead", .uint(groupDead ? 1 : 0)),
            ])
    }

    static func openat(
        pid: Int64, tid: Int64? = nil, fd: Int64, name: String, dirfd: Int64 = -100, flags: UInt64 = 0
    ) -> Event {
        event(
            "openat", pid: pid, tid: tid,
            [
                ("fd", .fd(fd)), ("dirfd", .fd(dirfd)), ("name", .string(name)), ("flags", .flags(flags, .openFlags)),
                ("mode", .mode(0)), ("dev", .uint(0x803)), ("ino", .uint(77)),
            ])
    }

    static func close(pid: Int64, fd: Int64, res: Int64 = 0) -> Event {
        event("close", pid: pid, [("res", .errno(res)), ("fd", .fd(fd))])
    }

    static func socket(pid: Int64, fd: Int64, domain: UInt64 = 2, type: UInt64 = 1, proto: UInt64 = 0) -> Event {
        event(
            "socket", pid: pid,
            [("fd", .fd(fd)), ("domain", .flags(domain, .socketFamily)), ("type", .uint(type)), ("proto", .uint(proto))])
    }

    static func inet(_ ip: String, _ port: UInt16) -> SocketAddress {
        guard let address = IPAddress(ip) else { fatalError("bad ip \(ip)") }
        return .inet(address, port: port)
    }

    static func tuple(_ client: SocketAddress, _ server: SocketAddress) -> SocketTuple {
        SocketTuple(client: client, server: server)
    }
}

/// A throwaway directory tree built with Glibc, removed by `remove()`.
struct TemporaryTree {
    let root: String

    init() {
        var template = Array("/tmp/saker-state-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let created else { fatalError("mkdtemp failed: errno \(errno)") }
        root = created
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func directory(_ relative: String) {
        var current = root
        for component in relative.split(separator: "/") {
            current += "/" + component
            _ = mkdir(current, 0o755)
        }
    }

    func file(_ relative: String, _ contents: String) {
        file(relative, bytes: Array(contents.utf8))
    }

    func file(_ relative: String, bytes: [UInt8]) {
        let full = path(relative)
        if let slash = relative.lastIndex(of: "/") { directory(String(relative[..<slash])) }
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(full)")
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { _ = write(fd, base, raw.count) }
        }
        _ = Glibc.close(fd)
    }

    func link(_ relative: String, to target: String) {
        if let slash = relative.lastIndex(of: "/") { directory(String(relative[..<slash])) }
        _ = symlink(target, path(relative))
    }

    func remove() { Self.removeTree(root) }

    private static func removeTree(_ path: String) {
        if let directory = opendir(path) {
            var names: [String] = []
            while let entry = readdir(directory) {
                var raw = entry.pointee.d_name
                let name = withUnsafeBytes(of: &raw) { bytes in
                    String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names {
                let child = path + "/" + name
                var info = stat()
                if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
                    removeTree(child)
                } else {
                    _ = unlink(child)
                }
            }
            _ = rmdir(path)
        }
    }
}
