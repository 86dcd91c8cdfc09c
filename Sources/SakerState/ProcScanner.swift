import Glibc
import SakerEvent

/// Why a `/proc` scan could not start.
public struct ProcScanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory that could not be listed.
    public var path: String
    /// The `errno` of the failure.
    public var code: Int32

    /// What happened and what to check.
    public var description: String {
        "cannot list \(path) (errno \(code)): is procfs mounted there, and is the agent allowed to read it?"
    }
}

/// Reads every process in `/proc` and describes each as a `procsnapshot` event (the params of a
/// successful execve plus `fds`, see ``SnapshotDescriptor``), so seeding the ``ProcessTable`` at
/// start and replaying a recording go through the same ``ProcessTable/apply(_:)``.
///
/// Bounded (``Limits``) and tolerant: a process that vanishes mid-scan is skipped or described
/// with what was read before it went. Uses Glibc directly; the proc root is injectable so tests
/// can scan a fake tree.
public struct ProcScanner: Sendable {
    /// Bounds on one scan.
    public struct Limits: Sendable, Equatable {
        /// Most processes described.
        public var maxProcesses: Int
        /// Most descriptors listed per process.
        public var maxFdsPerProcess: Int
        /// Most bytes of command line read per process.
        public var maxArgumentBytes: Int
        /// Most bytes of environment read per process.
        public var maxEnvironmentBytes: Int

        /// Creates limits.
        public init(
            maxProcesses: Int = 131_072, maxFdsPerProcess: Int = 4096, maxArgumentBytes: Int = 128 << 10,
            maxEnvironmentBytes: Int = 128 << 10
        ) {
            self.maxProcesses = maxProcesses
            self.maxFdsPerProcess = maxFdsPerProcess
            self.maxArgumentBytes = maxArgumentBytes
            self.maxEnvironmentBytes = maxEnvironmentBytes
        }
    }

    /// The procfs mount to read (`/proc`).
    public let procRoot: String
    /// The cgroup mount, where the cgroup v2 controller list is read (`/sys/fs/cgroup`).
    public let cgroupRoot: String
    /// Bounds on one scan.
    public let limits: Limits

    /// Creates a scanner.
    public init(procRoot: String = "/proc", cgroupRoot: String = "/sys/fs/cgroup", limits: Limits = Limits()) {
        self.procRoot = procRoot
        self.cgroupRoot = cgroupRoot
        self.limits = limits
    }

    /// Describes every process, in `/proc` order, each event stamped `timestamp`.
    public func scan(timestamp: UInt64) throws(ProcScanError) -> [Event] {
        guard let pids = ProcFS.numericEntries(procRoot, limit: limits.maxProcesses) else {
            throw ProcScanError(path: procRoot, code: errno)
        }
        let context = ScanContext(scanner: self)
        var events: [Event] = []
        events.reserveCapacity(pids.count)
        for pid in pids {
            // A listed thread id describes its group, which is (or will be) listed on its own.
            if let event = context.describe(pid: pid, timestamp: timestamp), event.pid == pid { events.append(event) }
        }
        return events
    }

    /// Describes one process given its pid or the id of one of its threads (the table's
    /// resolver on a miss); nil when it does not exist (any more).
    public func snapshot(id: Int64, timestamp: UInt64) -> Event? {
        guard id > 0 else { return nil }
        let context = ScanContext(scanner: self)
        return context.describe(pid: id, timestamp: timestamp)
    }
}

/// The state of one scan: a reused read buffer, socket tables per network namespace, boot time.
private final class ScanContext {
    let scanner: ProcScanner
    var buffer: [UInt8] = []
    var socketsByNamespace: [String: ProcNetSockets] = [:]
    lazy var bootTime: UInt64 = readBootTime()
    lazy var ticksPerSecond: UInt64 = {
        let value = sysconf(Int32(_SC_CLK_TCK))
        return value > 0 ? UInt64(value) : 100
    }()
    lazy var unifiedControllers: [String] = readUnifiedControllers()
    lazy var ownNetworkNamespace: String? = ProcFS.readLink("/proc/self/ns/net")

    init(scanner: ProcScanner) { self.scanner = scanner }

    var procRoot: String { scanner.procRoot }

    /// A `/proc/PID` directory held open: every file of the process is read relative to it
    /// (one path walk per process instead of one per file), and a pid reused mid-scan cannot
    /// mix two processes.
    struct ProcessDirectory {
        var path: String
        var fd: Int32
    }

    func describe(pid requested: Int64, timestamp: UInt64) -> Event? {
        var pid = requested
        guard var directory = openProcess(pid) else { return nil }
        defer { _ = close(directory.fd) }
        guard var status = readStatus(directory) else { return nil }
        if status.tgid > 0 && status.tgid != requested {
            // A thread id: describe its thread group.
            pid = status.tgid
            guard let group = openProcess(pid) else { return nil }
            _ = close(directory.fd)
            directory = group
            guard let groupStatus = readStatus(directory) else { return nil }
            status = groupStatus
        }
        guard let stat = readStat(directory) else { return nil }
        if stat.isKernelThread { return describeKernelThread(pid: pid, stat: stat, status: status, timestamp: timestamp) }

        var exe = stat.comm
        var args: [String] = []
        if let count = ProcFS.read("cmdline", in: directory.fd, into: &buffer, limit: scanner.limits.maxArgumentBytes),
            count > 0
        {
            let argv = ProcText.split(buffer, count: count, separator: 0)
            if let first = argv.first {
                exe = first
                args = Array(argv.dropFirst())
            }
        }
        var env: [String] = []
        if let count = ProcFS.read("environ", in: directory.fd, into: &buffer, limit: scanner.limits.maxEnvironmentBytes) {
            env = ProcText.split(buffer, count: count, separator: 0)
        }
        let cwd = ProcFS.readLink("cwd", in: directory.fd) ?? ""
        let exePath = ProcFS.readLink("exe", in: directory.fd) ?? ""
        var exeFlags: UInt64 = 0
        var exeInode: UInt64 = 0
        var exeCtime: UInt64 = 0
        var exeMtime: UInt64 = 0
        if !exePath.isEmpty, let info = ProcFS.status("exe", in: directory.fd) {
            exeInode = UInt64(info.st_ino)
            exeCtime = ProcFS.nanoseconds(info.st_ctim)
            exeMtime = ProcFS.nanoseconds(info.st_mtim)
            if isWritable(info, uid: status.euid, gid: status.egid) { exeFlags |= 1 }
        }
        if exePath.hasPrefix("/memfd:") { exeFlags |= 4 }
        let loginUID = readLoginUID(directory)
        let cgroups = readCgroups(directory)
        let pidNamespace = ProcFS.readLink("ns/pid", in: directory.fd).flatMap(Self.namespaceInode) ?? 0
        let startTime = startTime(ticks: stat.startTicks)
        let fds = readDescriptors(directory)

        let params: [EventParam] = [
            EventParam("exe", .string(exe)),
            EventParam("args", .strings(args)),
            EventParam("tid", .pid(pid)),
            EventParam("pid", .pid(pid)),
            EventParam("ptid", .pid(status.ppid > 0 ? status.ppid : stat.ppid)),
            EventParam("cwd", .string(cwd)),
            EventParam("comm", .string(stat.comm)),
            EventParam("cgroups", .strings(cgroups)),
            EventParam("env", .strings(env)),
            EventParam("tty", .uint(stat.tty)),
            EventParam("pgid", .pid(stat.pgrp)),
            EventParam("vpgid", .pid(status.vpgid ?? stat.pgrp)),
            EventParam("sid", .pid(stat.session)),
            EventParam("loginuid", .int(loginUID)),
            EventParam("flags", .flags(exeFlags, .execFlags)),
            EventParam("cap_inheritable", .uint(status.capInheritable)),
            EventParam("cap_permitted", .uint(status.capPermitted)),
            EventParam("cap_effective", .uint(status.capEffective)),
            EventParam("exe_ino", .uint(exeInode)),
            EventParam("exe_ino_ctime", .uint(exeCtime)),
            EventParam("exe_ino_mtime", .uint(exeMtime)),
            EventParam("uid", .uint(UInt64(status.euid))),
            EventParam("gid", .uint(UInt64(status.egid))),
            EventParam("trusted_exepath", .string(exePath)),
            EventParam("vtid", .pid(status.vpid ?? pid)),
            EventParam("vpid", .pid(status.vpid ?? pid)),
            EventParam("pidns", .uint(pidNamespace)),
            EventParam("start_ts", .uint(startTime)),
            EventParam("fds", .strings(fds)),
        ]
        return Event(timestamp: timestamp, type: .procsnapshot, tid: pid, pid: pid, params: params)
    }

    /// Kernel threads have no program, environment, descriptors or cgroup of their own: skip
    /// the dozen reads that would fail or come back empty.
    func describeKernelThread(pid: Int64, stat: Stat, status: Status, timestamp: UInt64) -> Event {
        let params: [EventParam] = [
            EventParam("exe", .string(stat.comm)), EventParam("args", .strings([])), EventParam("tid", .pid(pid)),
            EventParam("pid", .pid(pid)), EventParam("ptid", .pid(status.ppid > 0 ? status.ppid : stat.ppid)),
            EventParam("cwd", .string("/")), EventParam("comm", .string(stat.comm)), EventParam("cgroups", .strings([])),
            EventParam("env", .strings([])), EventParam("tty", .uint(0)), EventParam("pgid", .pid(stat.pgrp)),
            EventParam("vpgid", .pid(stat.pgrp)), EventParam("sid", .pid(stat.session)), EventParam("loginuid", .int(-1)),
            EventParam("flags", .flags(0, .execFlags)), EventParam("cap_inheritable", .uint(status.capInheritable)),
            EventParam("cap_permitted", .uint(status.capPermitted)), EventParam("cap_effective", .uint(status.capEffective)),
            EventParam("exe_ino", .uint(0)), EventParam("exe_ino_ctime", .uint(0)), EventParam("exe_ino_mtime", .uint(0)),
            EventParam("uid", .uint(UInt64(status.euid))), EventParam("gid", .uint(UInt64(status.egid))),
            EventParam("trusted_exepath", .string("")), EventParam("vtid", .pid(pid)), EventParam("vpid", .pid(pid)),
            EventParam("pidns", .uint(0)),
            EventParam("start_ts", .uint(startTime(ticks: stat.startTicks))),
            EventParam("fds", .strings([])),
        ]
        return Event(timestamp: timestamp, type: .procsnapshot, tid: pid, pid: pid, params: params)
    }

    // MARK: - Files

    func openProcess(_ pid: Int64) -> ProcessDirectory? {
        let path = "\(procRoot)/\(pid)"
        guard let fd = ProcFS.openDirectory(path) else { return nil }
        return ProcessDirectory(path: path, fd: fd)
    }

    struct Stat {
        var comm: String
        var ppid: Int64
        var pgrp: Int64
        var session: Int64
        var tty: UInt64
        var startTicks: UInt64
        /// `PF_KTHREAD` in the flags field.
        var isKernelThread: Bool
    }

    /// `/proc/PID/stat`: `pid (comm) state ppid pgrp session tty_nr … starttime(22) …`.
    func readStat(_ directory: ProcessDirectory) -> Stat? {
        guard let count = ProcFS.read("stat", in: directory.fd, into: &buffer, limit: 4096) else { return nil }
        return buffer.withUnsafeBufferPointer { all -> Stat? in
            let bytes = UnsafeBufferPointer(rebasing: all[0..<count])
            guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
                let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close
            else { return nil }
            let comm = ProcText.text(bytes[(open + 1)..<close])
            var rest = bytes[(close + 1)...]
            while let last = rest.last, last == 0x0a { rest = rest.dropLast() }
            let fields = ProcText.fields(rest)
            // fields[0] is the state (field 3), so field N is fields[N - 3].
            guard fields.count > 19 else { return nil }
            return Stat(
                comm: comm, ppid: ProcText.decimal(fields[1]) ?? 0, pgrp: ProcText.decimal(fields[2]) ?? 0,
                session: ProcText.decimal(fields[3]) ?? 0,
                tty: UInt64(truncatingIfNeeded: ProcText.decimal(fields[4]) ?? 0),
                startTicks: UInt64(truncatingIfNeeded: ProcText.decimal(fields[19]) ?? 0),
                isKernelThread: (ProcText.decimal(fields[6]) ?? 0) & 0x0020_0000 != 0)
        }
    }

    /// The `/proc/PID/status` keys the scanner reads (lengths first: most lines are skipped
    /// without comparing bytes).
    enum StatusKey {
        case tgid, ppid, uid, gid, nspid, nspgid, capInheritable, capPermitted, capEffective

        init?(_ key: ProcText.Bytes) {
            switch key.count {
            case 3:
                if ProcText.equals(key, "Uid") {
                    self = .uid
                } else if ProcText.equals(key, "Gid") {
                    self = .gid
                } else {
                    return nil
                }
            case 4:
                if ProcText.equals(key, "Tgid") {
                    self = .tgid
                } else if ProcText.equals(key, "PPid") {
                    self = .ppid
                } else {
                    return nil
                }
            case 5:
                if ProcText.equals(key, "NSpid") { self = .nspid } else { return nil }
            case 6:
                if ProcText.equals(key, "NSpgid") {
                    self = .nspgid
                } else if ProcText.equals(key, "CapInh") {
                    self = .capInheritable
                } else if ProcText.equals(key, "CapPrm") {
                    self = .capPermitted
                } else if ProcText.equals(key, "CapEff") {
                    self = .capEffective
                } else {
                    return nil
                }
            default: return nil
            }
        }
    }

    struct Status {
        var tgid: Int64 = 0
        var ppid: Int64 = 0
        var euid: UInt32 = 0
        var egid: UInt32 = 0
        var vpid: Int64?
        var vpgid: Int64?
        var capInheritable: UInt64 = 0
        var capPermitted: UInt64 = 0
        var capEffective: UInt64 = 0
    }

    /// `/proc/PID/status`: ids, credentials (effective uid/gid, the second column), capabilities,
    /// and the innermost namespace ids (last column of `NSpid`, `NSpgid`).
    func readStatus(_ directory: ProcessDirectory) -> Status? {
        guard let count = ProcFS.read("status", in: directory.fd, into: &buffer, limit: 16 << 10) else { return nil }
        var status = Status()
        ProcText.forEachLine(buffer, count: count) { line in
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                let key = StatusKey(line[line.startIndex..<colon])
            else { return }
            let values = ProcText.fields(line[(colon + 1)...])
            guard let head = values.first, let tail = values.last else { return }
            switch key {
            case .tgid: status.tgid = ProcText.decimal(head) ?? 0
            case .ppid: status.ppid = ProcText.decimal(head) ?? 0
            case .uid: status.euid = UInt32(truncatingIfNeeded: values.count > 1 ? ProcText.decimal(values[1]) ?? 0 : 0)
            case .gid: status.egid = UInt32(truncatingIfNeeded: values.count > 1 ? ProcText.decimal(values[1]) ?? 0 : 0)
            case .nspid: status.vpid = ProcText.decimal(tail)
            case .nspgid: status.vpgid = ProcText.decimal(tail)
            case .capInheritable: status.capInheritable = ProcText.hexadecimal(head) ?? 0
            case .capPermitted: status.capPermitted = ProcText.hexadecimal(head) ?? 0
            case .capEffective: status.capEffective = ProcText.hexadecimal(head) ?? 0
            }
        }
        return status
    }

    func readLoginUID(_ directory: ProcessDirectory) -> Int64 {
        guard let count = ProcFS.read("loginuid", in: directory.fd, into: &buffer, limit: 64) else { return -1 }
        var value: Int64?
        ProcText.forEachLine(buffer, count: count) { line in
            if value == nil { value = ProcText.decimal(line) }
        }
        guard let value, value >= 0, value < 0xffff_ffff else { return -1 }
        return value
    }

    /// `/proc/PID/cgroup` as `subsystem=path` entries: each v1 controller of a line, and for the
    /// v2 line (`0::path`) each v2 controller not already given by a v1 line, as the kernel
    /// probe reports them.
    func readCgroups(_ directory: ProcessDirectory) -> [String] {
        guard let count = ProcFS.read("cgroup", in: directory.fd, into: &buffer, limit: 64 << 10) else { return [] }
        var result: [String] = []
        var seen: Set<String> = []
        var unifiedPath: String?
        ProcText.forEachLine(buffer, count: count) { line in
            guard let first = line.firstIndex(of: UInt8(ascii: ":")) else { return }
            let afterFirst = line[(first + 1)...]
            guard let second = afterFirst.firstIndex(of: UInt8(ascii: ":")) else { return }
            let controllers = line[(first + 1)..<second]
            let path = ProcText.text(line[(second + 1)...])
            if controllers.isEmpty {
                unifiedPath = path
                return
            }
            for name in ProcText.text(controllers).split(separator: ",") where !name.hasPrefix("name=") {
                seen.insert(String(name))
                result.append(name + "=" + path)
            }
        }
        if let unifiedPath {
            for controller in unifiedControllers where !seen.contains(controller) {
                result.append(controller + "=" + unifiedPath)
            }
        }
        return result
    }

    /// The descriptors of a process as ``SnapshotDescriptor`` lines, in fd order.
    func readDescriptors(_ directory: ProcessDirectory) -> [String] {
        guard let fdDirectory = ProcFS.openDirectory("fd", in: directory.fd) else { return [] }
        defer { _ = close(fdDirectory) }
        guard var numbers = ProcFS.numericEntries(".", in: fdDirectory, limit: scanner.limits.maxFdsPerProcess) else {
            return []
        }
        numbers.sort()
        var lines: [String] = []
        lines.reserveCapacity(numbers.count)
        var tables: ProcNetSockets?
        for fd in numbers {
            let name = String(fd)
            guard let link = ProcFS.readLink(name, in: fdDirectory) else { continue }
            if link.hasPrefix("socket:[") {
                if tables == nil { tables = sockets(for: directory) }
                guard let inode = UInt64(link.dropFirst(8).dropLast()), let line = tables?.line(fd: fd, inode: inode)
                else { continue }
                lines.append(line)
            } else if link.hasPrefix("pipe:[") {
                lines.append("\(fd) p \(link)")
            } else if link.hasPrefix("anon_inode:") {
                lines.append("\(fd) \(Self.anonymousTypeChar(link)) \(link)")
            } else if link.hasPrefix("/memfd:") {
                lines.append("\(fd) m \(link)")
            } else if link.hasPrefix("/"), let info = ProcFS.status(name, in: fdDirectory) {
                let kind = info.st_mode & S_IFMT
                let typeChar: Character = kind == S_IFDIR ? "d" : (kind == S_IFIFO ? "p" : "f")
                lines.append("\(fd) \(typeChar) \(link)")
            } else {
                lines.append("\(fd) f \(link)")
            }
        }
        return lines
    }

    /// The socket tables of the network namespace of the process, read once per namespace per
    /// scan.
    func sockets(for directory: ProcessDirectory) -> ProcNetSockets {
        let namespace = ProcFS.readLink("ns/net", in: directory.fd) ?? directory.path
        if let known = socketsByNamespace[namespace] { return known }
        // Netlink answers for the namespace the agent itself runs in, and only the real procfs
        // describes that namespace.
        let ownNamespace = procRoot == "/proc" && namespace == ownNetworkNamespace
        let tables = ProcNetSockets(
            netDirectory: directory.path + "/net", buffer: &buffer, tcpFromNetlink: ownNamespace)
        socketsByNamespace[namespace] = tables
        return tables
    }

    static func anonymousTypeChar(_ link: String) -> Character {
        switch link {
        case "anon_inode:[eventfd]": "e"
        case "anon_inode:[signalfd]": "s"
        case "anon_inode:[eventpoll]": "l"
        case "anon_inode:inotify": "i"
        case "anon_inode:[timerfd]": "t"
        case "anon_inode:[io_uring]": "r"
        case "anon_inode:[userfaultfd]": "u"
        case "anon_inode:[pidfd]": "P"
        default: link.hasPrefix("anon_inode:bpf") || link.hasPrefix("anon_inode:[bpf") ? "b" : "X"
        }
    }

    /// `pid:[4026531836]` → 4026531836.
    static func namespaceInode(_ link: String) -> UInt64? {
        guard let open = link.firstIndex(of: "["), let close = link.lastIndex(of: "]"), open < close else { return nil }
        return UInt64(link[link.index(after: open)..<close])
    }

    /// Write permission for the process's effective ids from the mode bits (root: any write bit).
    func isWritable(_ info: stat, uid: UInt32, gid: UInt32) -> Bool {
        let mode = UInt32(info.st_mode)
        if uid == 0 { return mode & 0o222 != 0 }
        if info.st_uid == uid { return mode & 0o200 != 0 }
        if info.st_gid == gid { return mode & 0o020 != 0 }
        return mode & 0o002 != 0
    }

    /// A start time in clock ticks since boot, as ns since the epoch (split to avoid overflow).
    func startTime(ticks: UInt64) -> UInt64 {
        let perSecond = max(ticksPerSecond, 1)
        return bootTime &+ (ticks / perSecond) &* 1_000_000_000 &+ (ticks % perSecond) &* 1_000_000_000 / perSecond
    }

    func readBootTime() -> UInt64 {
        guard let count = ProcFS.read(procRoot + "/stat", into: &buffer, limit: 1 << 20) else { return 0 }
        var seconds: Int64 = 0
        ProcText.forEachLine(buffer, count: count) { line in
            let fields = ProcText.fields(line)
            if fields.count == 2, ProcText.equals(fields[0], "btime") { seconds = ProcText.decimal(fields[1]) ?? 0 }
        }
        return UInt64(max(seconds, 0)) * 1_000_000_000
    }

    func readUnifiedControllers() -> [String] {
        for path in [scanner.cgroupRoot + "/cgroup.controllers", scanner.cgroupRoot + "/unified/cgroup.controllers"] {
            if let count = ProcFS.read(path, into: &buffer, limit: 4096) {
                return ProcText.fields(Substring(ProcText.string(buffer, count: count))).map {
                    String($0.filter { !$0.isNewline })
                }.filter { !$0.isEmpty }
            }
        }
        return ["cpuset", "cpu", "io", "memory", "pids"]
    }
}
