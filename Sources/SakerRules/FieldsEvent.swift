import SakerEvent
import SakerState

// `evt.*`: fields of the event itself (libs' `sinsp_filter_check_event`).

extension FieldRegistry {
    static let eventFields: [FieldDefinition] = [
        FieldDefinition("evt.num", .uint64, "The event's sequence number.") { c, _ in .uint(c.event.number) },
        FieldDefinition("evt.time", .string, "The event timestamp as HH:MM:SS.nnnnnnnnn (UTC).") { c, _ in
            .string(FieldTime.clock(c.event.timestamp))
        },
        FieldDefinition("evt.time.s", .string, "The event timestamp as HH:MM:SS (UTC).") { c, _ in
            .string(FieldTime.clockSeconds(c.event.timestamp))
        },
        FieldDefinition("evt.time.iso8601", .string, "The event timestamp in ISO 8601 with nanoseconds (UTC).") {
            c, _ in .string(FieldTime.rfc3339(c.event.timestamp))
        },
        FieldDefinition("evt.datetime", .string, "The event timestamp as YYYY-MM-DD HH:MM:SS.nnnnnnnnn (UTC).") {
            c, _ in .string(FieldTime.dateTime(c.event.timestamp))
        },
        FieldDefinition("evt.date", .string, "The event date as YYYY-MM-DD (UTC).") { c, _ in
            .string(FieldTime.date(c.event.timestamp))
        },
        FieldDefinition("evt.rawtime", .absoluteTime, "The event timestamp in ns since the epoch.") { c, _ in
            .uint(c.event.timestamp)
        },
        FieldDefinition("evt.rawtime.s", .absoluteTime, "The integer part of the timestamp, in seconds.") { c, _ in
            .uint(c.event.timestamp / 1_000_000_000)
        },
        FieldDefinition("evt.rawtime.ns", .absoluteTime, "The fractional part of the timestamp, in ns.") { c, _ in
            .uint(c.event.timestamp % 1_000_000_000)
        },
        FieldDefinition("evt.hostname", .string, "The name of the host the event happened on.") { c, _ in
            .string(c.environment.hostname)
        },
        FieldDefinition("evt.dir", .string, "The event direction: always `<` (Saker sees completed syscalls).") {
            _, _ in .string("<")
        },
        FieldDefinition("evt.type", .string, "The event type: the syscall name (`openat`) or `procexit`.") {
            c, _ in .string(c.event.type.name)
        },
        FieldDefinition("syscall.type", .string, "The syscall name, for syscall events only.") { c, _ in
            c.event.type.isSyscall ? .string(c.event.type.name) : nil
        },
        FieldDefinition("evt.category", .string, "The event category: file, net, process, memory, ipc, other.") {
            c, _ in .string(eventCategory(c.event.type))
        },
        FieldDefinition("evt.cpu", .int64, "The CPU the event was recorded on.") { c, _ in .int(Int64(c.event.cpu)) },
        FieldDefinition("evt.source", .string, "The event source: `syscall`.") { _, _ in .string("syscall") },
        FieldDefinition("evt.count", .uint64, "1 for every event (for aggregations).") { _, _ in .uint(1) },
        FieldDefinition(
            "evt.args", .string, "All parameters as `name=value` pairs, resolved values in parentheses."
        ) { c, _ in .string(renderArgs(&c)) },
        FieldDefinition("evt.info", .string, "The parameters, rendered as `evt.args`.") { c, _ in .string(renderArgs(&c)) },
        FieldDefinition(
            "evt.arg", .string, argument: .requiredKey,
            "A parameter by name (`evt.arg.flags`) or position (`evt.arg[0]`), as libs renders it (`O_RDONLY|O_CLOEXEC`, `ENOENT`, user names for uids)."
        ) { c, argument in
            guard let param = parameter(c.event, argument) else { return nil }
            return .string(c.renderedArgument(param.name) { context in
                let rendered = renderParam(param, &context)
                return rendered.resolved ?? rendered.plain
            })
        },
        FieldDefinition(
            "evt.rawarg", .string, argument: .requiredKey, "A parameter by name, unrendered: numbers stay numbers."
        ) { c, argument in
            guard let param = parameter(c.event, argument) else { return nil }
            switch param.value {
            case .int(let v), .errno(let v), .fd(let v), .pid(let v): return .int(v)
            case .uint(let v): return .uint(v)
            case .flags(let v, _): return .uint(v)
            case .mode(let v): return .uint(UInt64(v))
            case .string(let s): return .string(s)
            case .bytes(let b): return .bytes(b)
            default: return .string(renderParam(param, &c).plain)
            }
        },
        FieldDefinition("evt.buffer", .bytes, "The data buffer of a read or write.") { c, _ in
            if case .bytes(let bytes)? = FieldParamIndex.data.value(in: c.event) { return .bytes(bytes) }
            return nil
        },
        FieldDefinition(
            "evt.res", .string, "The result: `SUCCESS`, or the error name (`ENOENT`) when the call failed."
        ) { c, _ in
            guard let result = c.event.result else { return nil }
            if result >= 0 { return .string("SUCCESS") }
            return .string(Errno.name(-result) ?? String(result))
        },
        FieldDefinition("evt.rawres", .int64, "The return value, as a number.") { c, _ in
            c.event.result.map { .int($0) }
        },
        FieldDefinition("evt.failed", .bool, "True when the call returned an error.") { c, _ in
            .bool((c.event.result ?? 0) < 0)
        },
        FieldDefinition("evt.is_open_read", .bool, "True for an open that asked for read access.") { c, _ in
            guard c.event.type != .creat, let flags = openFlags(c.event) else { return .bool(false) }
            return .bool(flags & 3 == 0 || flags & 3 == 2)
        },
        FieldDefinition("evt.is_open_write", .bool, "True for an open that asked for write access.") { c, _ in
            guard c.event.type != .creat, let flags = openFlags(c.event) else { return .bool(false) }
            return .bool(flags & 3 == 1 || flags & 3 == 2)
        },
        FieldDefinition(
            "evt.is_open_exec", .bool,
            "True for an open (with O_CREAT or O_TMPFILE) or creat whose mode has an execute bit."
        ) { c, _ in
            guard let flags = openFlags(c.event) else { return .bool(false) }
            let creating = c.event.type == .creat || flags & (0o100 | 0o20000000) != 0  // O_CREAT, O_TMPFILE
            guard creating, c.event.type != openByHandleAt else { return .bool(false) }
            var mode: UInt64 = 0
            if case .mode(let m)? = FieldParamIndex.mode.value(in: c.event) { mode = UInt64(m) }
            return .bool(mode & 0o111 != 0)
        },
        FieldDefinition("evt.is_open_create", .bool, "True for an open that created the file.") { c, _ in
            guard c.event.type != .creat, let flags = openFlags(c.event) else { return .bool(false) }
            let tmpfile = flags & 0o20200000 == 0o20200000 && (c.event.result ?? -1) >= 0
            return .bool(flags & FlagTable.openFlagCreated != 0 || tmpfile)
        },
    ]

    /// The type of `evt.rawarg.NAME`: that of the first described event type with a parameter NAME.
    static func rawArgumentType(_ name: String) -> FieldType {
        for type in EventType.all {
            guard let kind = EventSchema.kind(of: name, in: type) else { continue }
            switch kind {
            case .int, .errno, .fd, .pid: return .int64
            case .uint, .mode, .flags: return .uint64
            case .bytes: return .bytes
            default: return .string
            }
        }
        return .string
    }

    /// The open flags of an open-family event (`creat` counts as `O_CREAT|O_WRONLY|O_TRUNC`).
    static func openFlags(_ event: Event) -> UInt64? {
        let type = event.type
        if type == .creat { return 0o1101 }
        guard type == .open || type == .openat || type == .openat2 || type == openByHandleAt else {
            return nil
        }
        switch FieldParamIndex.flags.value(in: event) {
        case .flags(let v, _)?: return v
        case .uint(let v)?: return v
        default: return 0
        }
    }

    private static let openByHandleAt = EventType(name: "open_by_handle_at")

    /// The parameter an `evt.arg` argument names (a name, or a position).
    static func parameter(_ event: Event, _ argument: FieldArgument) -> EventParam? {
        guard let text = argument.text else { return nil }
        if let index = argument.index {
            return index >= 0 && index < event.params.count ? event.params[index] : nil
        }
        if let lookup = argument.parameter { return lookup.parameter(in: event) }
        for param in event.params where param.name == text { return param }
        return nil
    }

    /// Every parameter as `name=value`, the resolved value in parentheses (`evt.args`, `evt.info`).
    static func renderArgs(_ context: inout FieldContext) -> String {
        var text = ""
        for param in context.event.params {
            if !text.isEmpty { text += " " }
            let rendered = renderParam(param, &context)
            text += param.name + "=" + rendered.plain
            if let resolved = rendered.resolved { text += "(" + resolved + ")" }
        }
        return text
    }

    /// libs' two renderings of a parameter: the value (`3`, `-2`, `577`) and, for some kinds, a
    /// resolved form (`<f>/etc/passwd`, `ENOENT`, `O_WRONLY|O_CREAT|O_TRUNC`, a user name).
    static func renderParam(_ param: EventParam, _ context: inout FieldContext) -> (
        plain: String, resolved: String?
    ) {
        switch param.value {
        case .int(let v): return (String(v), nil)
        case .uint(let v):
            switch param.name {
            case "uid", "euid", "ruid", "suid", "loginuid":
                if v < 0xffff_ffff, let user = context.user(UInt32(v)) { return (String(v), user.name) }
            case "gid", "egid", "rgid", "sgid":
                if v < 0xffff_ffff, let name = context.groupName(UInt32(v)) { return (String(v), name) }
            default: break
            }
            return (String(v), nil)
        case .errno(let v):
            return (String(v), v < 0 ? Errno.name(-v) : nil)
        case .fd(let v):
            if v == -100 { return (String(v), "AT_FDCWD") }
            if v < 0 { return (String(v), Errno.name(-v)) }
            if let info = context.process?.fds[v] { return (String(v), "<" + String(info.typeChar) + ">" + info.name) }
            return (String(v), nil)
        case .pid(let v):
            if v < 0 { return (String(v), Errno.name(-v)) }
            if let process = context.state.process(tid: v), !process.comm.isEmpty { return (String(v), process.comm) }
            return (String(v), nil)
        case .string(let s): return (s, nil)
        case .bytes(let b): return (FieldValue.renderBytes(b), nil)
        case .strings(let list): return (list.joined(separator: " "), nil)
        case .flags(let v, let table): return (String(v), table.render(v))
        case .mode(let m): return (m == 0 ? "0" : "0" + String(m, radix: 8), nil)
        case .address(let a): return (a.description, nil)
        case .tuple(let t): return (t.description, nil)
        }
    }

    static func eventCategory(_ type: EventType) -> String {
        let raw = Int(type.rawValue)
        return raw < categories.count ? categories[raw] : "other"
    }

    private static let categories: [String] = {
        var table = [String](repeating: "other", count: EventType.rawValueBound)
        for type in EventType.all { table[Int(type.rawValue)] = category(named: type.name) }
        return table
    }()

    private static func category(named name: String) -> String {
        switch name {
        case "open", "openat", "openat2", "creat", "close", "read", "write", "pread64", "pwrite64", "readv", "writev",
            "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir", "link", "linkat",
            "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "dup", "dup2", "dup3", "fcntl", "sendfile",
            "chown", "fchown", "lchown", "fchownat", "truncate", "ftruncate", "stat", "lstat", "fstat", "newfstatat":
            return "file"
        case "socket", "socketpair", "connect", "accept", "accept4", "bind", "listen", "sendto", "sendmsg",
            "recvfrom", "recvmsg", "shutdown", "getsockopt", "setsockopt", "sendmmsg", "recvmmsg":
            return "net"
        case "execve", "execveat", "clone", "clone3", "fork", "vfork", "procexit", "exit", "exit_group", "kill",
            "tkill", "tgkill", "setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid", "setsid",
            "capset", "prctl", "ptrace", "chdir", "fchdir", "chroot", "setns", "unshare":
            return "process"
        case "mmap", "munmap", "mprotect", "brk", "mlock", "munlock", "memfd_create":
            return "memory"
        case "pipe", "pipe2", "eventfd", "eventfd2", "futex", "semop", "msgsnd", "msgrcv":
            return "ipc"
        default:
            return "other"
        }
    }
}
