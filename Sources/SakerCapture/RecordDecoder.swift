public import SakerEvent

/// Why a raw probe record could not be decoded.
public struct RecordDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the record.
    public var reason: String
    /// Byte offset in the record where the problem was found.
    public var offset: Int

    public var description: String { "malformed probe record at byte \(offset): \(reason)" }
}

/// Turns the probe's raw ring-buffer records (layout in `saker_record.h`) into ``Event``s.
///
/// A pure function of the bytes, so it is tested on crafted records; it never traps on bad input.
public struct RecordDecoder: Sendable {
    /// Record kinds, mirrored from `enum saker_record_kind`.
    enum Kind: UInt16 { case syscall = 1, exec = 2, fork = 3, exit = 4 }

    /// Blob tags, mirrored from `enum saker_blob_tag`.
    enum Tag: UInt8 {
        case str0 = 1, str1, str2, sockaddr, tuple, fdPair, structBytes, proc, exePath, cwd, args, env, cgroup, filename
    }

    static let headerSize = 80
    static let blobHeaderSize = 4
    static let procInfoSize = 152
    static let tupleSize = 40

    /// Nanoseconds to add to the probe's boot-clock timestamps to get Unix time.
    public var bootToEpochOffset: UInt64

    /// Creates a decoder that converts boot-clock times with `bootToEpochOffset`.
    public init(bootToEpochOffset: UInt64) {
        self.bootToEpochOffset = bootToEpochOffset
    }

    /// Decodes one record.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(RecordDecodeError) -> Event {
        guard bytes.count >= RecordDecoder.headerSize else {
            throw RecordDecodeError(reason: "record of \(bytes.count) bytes is shorter than its 80-byte header", offset: 0)
        }
        let ts = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let ret = bytes.loadUnaligned(fromByteOffset: 8, as: Int64.self)
        var args: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        args.0 = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        args.1 = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
        args.2 = bytes.loadUnaligned(fromByteOffset: 32, as: UInt64.self)
        args.3 = bytes.loadUnaligned(fromByteOffset: 40, as: UInt64.self)
        args.4 = bytes.loadUnaligned(fromByteOffset: 48, as: UInt64.self)
        args.5 = bytes.loadUnaligned(fromByteOffset: 56, as: UInt64.self)
        let tid = bytes.loadUnaligned(fromByteOffset: 64, as: UInt32.self)
        let pid = bytes.loadUnaligned(fromByteOffset: 68, as: UInt32.self)
        let kindRaw = bytes.loadUnaligned(fromByteOffset: 72, as: UInt16.self)
        let nr = bytes.loadUnaligned(fromByteOffset: 74, as: UInt16.self)
        let length = Int(bytes.loadUnaligned(fromByteOffset: 76, as: UInt16.self))
        let cpu = bytes.loadUnaligned(fromByteOffset: 78, as: UInt16.self)
        guard length >= RecordDecoder.headerSize, length <= bytes.count else {
            throw RecordDecodeError(reason: "declared length \(length) does not fit the \(bytes.count) bytes received", offset: 76)
        }
        guard let kind = Kind(rawValue: kindRaw) else {
            throw RecordDecodeError(reason: "unknown record kind \(kindRaw)", offset: 72)
        }
        let blobs = try RecordDecoder.blobs(in: UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
        var event = Event(
            timestamp: ts &+ bootToEpochOffset, type: .procexit, cpu: cpu, tid: Int64(tid), pid: Int64(pid))
        let rawArgs = [args.0, args.1, args.2, args.3, args.4, args.5]
        switch kind {
        case .syscall:
            guard let type = EventType(x86_64SyscallNumber: Int(nr)) else {
                throw RecordDecodeError(reason: "unknown syscall number \(nr)", offset: 74)
            }
            event.type = type
            event.params = try RecordDecoder.syscallParams(type: type, ret: ret, args: rawArgs, blobs: blobs)
        case .exec:
            event.type = EventType(x86_64SyscallNumber: Int(nr)) == .execveat ? .execveat : .execve
            event.params = try processParams(blobs: blobs, exec: true)
        case .fork:
            let parentCall = EventType(x86_64SyscallNumber: Int(nr))
            event.type = [EventType.clone, .clone3, .fork, .vfork].contains(parentCall ?? .clone) ? (parentCall ?? .clone) : .clone
            event.params = try processParams(blobs: blobs, exec: false)
        case .exit:
            let status = Int64(truncatingIfNeeded: args.0)
            event.type = .procexit
            event.params = [
                EventParam("status", .int(status)),
                EventParam("ret", .int((status >> 8) & 0xff)),
                EventParam("sig", .uint(UInt64(status & 0x7f))),
                EventParam("core", .uint(UInt64((status >> 7) & 1))),
                EventParam("reaper_tid", .pid(Int64(truncatingIfNeeded: args.2))),
                EventParam("group_dead", .uint(args.1 != 0 ? 1 : 0)),
            ]
        }
        return event
    }

    struct Blob {
        var tag: UInt8
        var truncated: Bool
        var bytes: [UInt8]
    }

    static func blobs(in record: UnsafeRawBufferPointer) throws(RecordDecodeError) -> [Blob] {
        var result: [Blob] = []
        var offset = headerSize
        while offset < record.count {
            guard offset + blobHeaderSize <= record.count else {
                throw RecordDecodeError(reason: "blob header cut off", offset: offset)
            }
            let tag = record[offset]
            let flags = record[offset + 1]
            let length = Int(record.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self))
            let start = offset + blobHeaderSize
            guard start + length <= record.count else {
                throw RecordDecodeError(reason: "blob of \(length) bytes overruns the record", offset: offset)
            }
            result.append(Blob(tag: tag, truncated: flags & 1 != 0, bytes: Array(record[start..<start + length])))
            offset = start + length
        }
        return result
    }

    static func blob(_ tag: Tag, in blobs: [Blob]) -> Blob? {
        blobs.first { $0.tag == tag.rawValue }
    }

    /// Text from bytes that may hold invalid UTF-8 or a trailing NUL.
    static func text(_ bytes: some Collection<UInt8>) -> String {
        var slice = Array(bytes)
        if let nul = slice.firstIndex(of: 0) { slice.removeSubrange(nul...) }
        return String(decoding: slice, as: UTF8.self)
    }

    /// NUL-separated strings (argv, environ).
    static func strings(_ bytes: [UInt8]) -> [String] {
        var parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// A path from components written leaf first.
    static func path(leafFirst bytes: [UInt8]) -> String {
        let components = bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { $0 != "/" && !$0.isEmpty }
        return "/" + components.reversed().joined(separator: "/")
    }

    static func sockaddr(_ bytes: [UInt8]) -> SocketAddress? {
        guard bytes.count >= 2 else { return nil }
        let family = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        switch family {
        case 2 where bytes.count >= 8:
            let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
            return .inet(.v4(bytes[4], bytes[5], bytes[6], bytes[7]), port: port)
        case 10 where bytes.count >= 24:
            let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
            return .inet(.v6(Array(bytes[8..<24])), port: port)
        case 1:
            return .unix(unixPath(bytes[2...]))
        default:
            return .other(AddressFamily(rawValue: family))
        }
    }

    /// A unix socket path; abstract names (leading NUL) render with a leading `@`, as libs does.
    static func unixPath(_ bytes: ArraySlice<UInt8>) -> String {
        guard let first = bytes.first else { return "" }
        if first == 0 { return "@" + text(bytes.dropFirst()) }
        return text(bytes)
    }

    static func tuple(_ blob: [UInt8], localIsClient: Bool) -> SocketTuple? {
        guard blob.count >= 2 else { return nil }
        let family = UInt16(blob[0]) | UInt16(blob[1]) << 8
        if family == 1 {
            let path = unixPath(blob[2...])
            return SocketTuple(client: .unix(path), server: .unix(path))
        }
        guard blob.count >= tupleSize else { return nil }
        let localPort = UInt16(blob[2]) | UInt16(blob[3]) << 8
        let remotePort = UInt16(blob[4]) | UInt16(blob[5]) << 8
        let local: IPAddress, remote: IPAddress
        if family == 2 {
            local = .v4(blob[8], blob[9], blob[10], blob[11])
            remote = .v4(blob[24], blob[25], blob[26], blob[27])
        } else {
            local = .v6(Array(blob[8..<24]))
            remote = .v6(Array(blob[24..<40]))
        }
        let l = SocketAddress.inet(local, port: localPort), r = SocketAddress.inet(remote, port: remotePort)
        return localIsClient ? SocketTuple(client: l, server: r) : SocketTuple(client: r, server: l)
    }

    static func littleEndian(_ bytes: [UInt8], offset: Int, size: Int) -> UInt64? {
        guard offset + size <= bytes.count else { return nil }
        var value: UInt64 = 0
        for i in (0..<size).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }

    static func syscallParams(type: EventType, ret: Int64, args: [UInt64], blobs: [Blob]) throws(RecordDecodeError) -> [EventParam] {
        guard let spec = SyscallCatalog.specsByRawValue[Int(type.rawValue)] else {
            var params = [EventParam("res", .errno(ret))]
            for (i, arg) in args.enumerated() { params.append(EventParam("a\(i)", .uint(arg))) }
            return params
        }
        var params: [EventParam] = []
        params.reserveCapacity(spec.sources.count)
        var stringIndex = 0
        for (position, (name, source)) in spec.sources.enumerated() {
            let kind = spec.kinds[position]
            let value: ParamValue?
            switch source {
            case .result:
                value = numeric(UInt64(bitPattern: ret), kind: kind)
            case .arg(let n):
                value = numeric(args[n], kind: kind)
            case .string:
                let tag = UInt8(Tag.str0.rawValue) + UInt8(stringIndex)
                stringIndex += 1
                value = blobs.first(where: { $0.tag == tag }).map { .string(text($0.bytes)) }
            case .sockaddr:
                value = blob(.sockaddr, in: blobs).flatMap { sockaddr($0.bytes) }.map { .address($0) }
            case .tuple(let localIsClient):
                value = blob(.tuple, in: blobs).flatMap { tuple($0.bytes, localIsClient: localIsClient) }.map { .tuple($0) }
            case .fdPair(let index):
                value = blob(.fdPair, in: blobs).flatMap { littleEndian($0.bytes, offset: index * 4, size: 4) }
                    .map { .fd(Int64(Int32(truncatingIfNeeded: $0))) }
            case .structField(let offset, let size):
                value = blob(.structBytes, in: blobs).flatMap { littleEndian($0.bytes, offset: offset, size: size) }
                    .map { numeric($0, kind: kind) ?? .uint($0) }
            case .capability(let which):
                value = blob(.structBytes, in: blobs).flatMap { b -> ParamValue? in
                    guard let low = littleEndian(b.bytes, offset: which * 4, size: 4),
                          let high = littleEndian(b.bytes, offset: 12 + which * 4, size: 4) else { return nil }
                    return .uint(high << 32 | low)
                }
            case .constant(let v):
                value = v
            }
            if let value { params.append(EventParam(name, value)) }
        }
        return params
    }

    /// A raw register value typed by the schema kind.
    static func numeric(_ raw: UInt64, kind: ParamKind) -> ParamValue? {
        switch kind {
        case .errno: return .errno(Int64(bitPattern: raw))
        // fds and pids are C ints: sign-extend the low 32 bits (AT_FDCWD is -100).
        case .fd: return .fd(Int64(Int32(truncatingIfNeeded: raw)))
        case .pid: return .pid(Int64(Int32(truncatingIfNeeded: raw)))
        case .int: return .int(Int64(Int32(truncatingIfNeeded: raw)))
        case .uint: return .uint(raw)
        case .mode: return .mode(UInt32(truncatingIfNeeded: raw))
        case .flags(let table): return .flags(table == .openFlags || table == .fdFlags ? raw & 0xFFFF_FFFF : raw, table)
        default: return nil
        }
    }

    func processParams(blobs: [Blob], exec: Bool) throws(RecordDecodeError) -> [EventParam] {
        guard let info = RecordDecoder.blob(.proc, in: blobs), info.bytes.count >= RecordDecoder.procInfoSize else {
            throw RecordDecodeError(reason: "process record without its process details", offset: RecordDecoder.headerSize)
        }
        let b = info.bytes
        func u32(_ o: Int) -> UInt32 { UInt32(truncatingIfNeeded: RecordDecoder.littleEndian(b, offset: o, size: 4) ?? 0) }
        func u64(_ o: Int) -> UInt64 { RecordDecoder.littleEndian(b, offset: o, size: 8) ?? 0 }
        // Offsets of struct saker_proc_info (152 bytes, asserted in saker_record.h).
        let tid = u32(0), pid = u32(4), ptid = u32(8)
        let vtid = u32(16), vpid = u32(20), sid = u32(24), pgid = u32(28), vpgid = u32(32)
        let uid = u32(36), gid = u32(40), euid = u32(44), egid = u32(48)
        let loginuid = u32(52), tty = u32(56), exeFlags = u32(60)
        let capInheritable = u64(64), capPermitted = u64(72), capEffective = u64(80)
        let exeIno = u64(88), exeCtime = u64(96), exeMtime = u64(104), start = u64(112), cloneFlags = u64(120)
        let pidns = u32(128)
        let comm = RecordDecoder.text(b[136..<152])
        _ = (uid, gid)
        if !exec {
            return [
                EventParam("res", .pid(0)), EventParam("tid", .pid(Int64(tid))), EventParam("pid", .pid(Int64(pid))),
                EventParam("ptid", .pid(Int64(ptid))), EventParam("comm", .string(comm)),
                EventParam("flags", .flags(cloneFlags, .cloneFlags)), EventParam("uid", .uint(UInt64(euid))),
                EventParam("gid", .uint(UInt64(egid))), EventParam("vtid", .pid(Int64(vtid))),
                EventParam("vpid", .pid(Int64(vpid))),
            ]
        }
        let args = RecordDecoder.blob(.args, in: blobs).map { RecordDecoder.strings($0.bytes) } ?? []
        var exePath = RecordDecoder.blob(.exePath, in: blobs).map { RecordDecoder.path(leafFirst: $0.bytes) } ?? ""
        if exeFlags & 4 != 0 { exePath += " (deleted)" }
        let cwd = RecordDecoder.blob(.cwd, in: blobs).map { RecordDecoder.path(leafFirst: $0.bytes) } ?? ""
        let cgroup = RecordDecoder.blob(.cgroup, in: blobs).map { RecordDecoder.path(leafFirst: $0.bytes) }
        let env = RecordDecoder.blob(.env, in: blobs).map { RecordDecoder.strings($0.bytes) } ?? []
        let filename = RecordDecoder.blob(.filename, in: blobs).map { RecordDecoder.text($0.bytes) } ?? exePath
        return [
            EventParam("res", .errno(0)),
            EventParam("exe", .string(args.first ?? exePath)),
            EventParam("args", .strings(Array(args.dropFirst()))),
            EventParam("tid", .pid(Int64(tid))), EventParam("pid", .pid(Int64(pid))), EventParam("ptid", .pid(Int64(u32(12)))),
            EventParam("cwd", .string(cwd)), EventParam("comm", .string(comm)),
            EventParam("cgroups", .strings(cgroup.map { ["0::" + $0] } ?? [])),
            EventParam("env", .strings(env)), EventParam("tty", .uint(UInt64(tty))),
            EventParam("pgid", .pid(Int64(pgid))), EventParam("vpgid", .pid(Int64(vpgid))), EventParam("sid", .pid(Int64(sid))),
            EventParam("loginuid", .int(Int64(Int32(bitPattern: loginuid)))),
            EventParam("flags", .flags(UInt64(exeFlags), .execFlags)),
            EventParam("cap_inheritable", .uint(capInheritable)), EventParam("cap_permitted", .uint(capPermitted)),
            EventParam("cap_effective", .uint(capEffective)),
            EventParam("exe_ino", .uint(exeIno)), EventParam("exe_ino_ctime", .uint(exeCtime)),
            EventParam("exe_ino_mtime", .uint(exeMtime)),
            EventParam("uid", .uint(UInt64(euid))), EventParam("gid", .uint(UInt64(egid))),
            EventParam("trusted_exepath", .string(exePath)),
            EventParam("vtid", .pid(Int64(vtid))), EventParam("vpid", .pid(Int64(vpid))),
            EventParam("pidns", .uint(UInt64(pidns))), EventParam("start_ts", .uint(start &+ bootToEpochOffset)),
            EventParam("filename", .string(filename)),
        ]
    }
}
