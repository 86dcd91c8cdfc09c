import Glibc
import SakerEvent
import SakerState
import Testing

private let containerID = String(repeating: "0123456789abcdef", count: 4)

/// A fake /proc with one full process (100), a thread id of it (201), and a process that
/// vanished between listing and reading (300).
private func makeProcTree() -> TemporaryTree {
    let tree = TemporaryTree()
    tree.file("bin/python3", "#!fake")
    tree.directory("data")
    tree.file("proc/stat", "cpu  1 2 3 4\nbtime 1700000000\nprocesses 42\n")
    tree.file(
        "proc/100/stat",
        "100 (my (weird) proc) S 1 100 100 34816 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0\n")
    tree.file(
        "proc/100/status",
        """
        Name:\tmy (weird) proc
        Tgid:\t100
        PPid:\t1
        Uid:\t1000\t1001\t1001\t1001
        Gid:\t50\t51\t51\t51
        NSpid:\t100\t7
        NSpgid:\t100\t7
        CapInh:\t0000000000000000
        CapPrm:\t00000000a80425fb
        CapEff:\t00000000a80425fb

        """)
    tree.file("proc/100/cmdline", bytes: Array("/usr/bin/python3\0-m\0http.server\0".utf8))
    tree.file("proc/100/environ", bytes: Array("HOME=/root\0LANG=C\0".utf8))
    tree.link("proc/100/cwd", to: "/srv/www")
    tree.link("proc/100/exe", to: tree.path("bin/python3"))
    tree.file("proc/100/cgroup", "4:memory:/docker/\(containerID)\n1:cpu,cpuacct:/docker/\(containerID)\n0::/docker/\(containerID)\n")
    tree.file("proc/100/loginuid", "1000")
    tree.link("proc/100/ns/pid", to: "pid:[4026532000]")
    tree.link("proc/100/ns/net", to: "net:[4026532100]")
    tree.link("proc/100/fd/0", to: "/dev/null")
    tree.link("proc/100/fd/3", to: tree.path("data"))
    tree.link("proc/100/fd/4", to: "socket:[5001]")
    tree.link("proc/100/fd/5", to: "socket:[5002]")
    tree.link("proc/100/fd/6", to: "socket:[5003]")
    tree.link("proc/100/fd/7", to: "pipe:[777]")
    tree.link("proc/100/fd/8", to: "anon_inode:[eventfd]")
    tree.link("proc/100/fd/9", to: "socket:[9999]")
    tree.link("proc/100/fd/10", to: "/memfd:x (deleted)")
    tree.link("proc/100/fd/11", to: "/nonexistent/file")
    tree.file(
        "proc/100/net/tcp",
        """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5002 1 0000000000000000 100 0 0 10 0
           1: 0100007F:1F40 0100007F:B26E 01 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000000000000 20 4 30 10 -1

        """)
    tree.file(
        "proc/100/net/unix",
        """
        Num       RefCount Protocol Flags    Type St Inode Path
        0000000000000000: 00000002 00000000 00010000 0001 01  5003 /run/app.sock

        """)
    tree.file("proc/2/stat", "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3 0 0\n")
    tree.file("proc/2/status", "Name:\tkthreadd\nTgid:\t2\nPPid:\t0\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n")
    tree.file("proc/201/status", "Name:\tworker\nTgid:\t100\nPPid:\t1\n")
    tree.file("proc/300/status", "Name:\tgone\nTgid:\t300\nPPid:\t1\n")
    tree.file("cgroup/cgroup.controllers", "cpu memory pids\n")
    return tree
}

@Suite("Seeding from /proc")
struct ProcScannerTests {
    @Test func fakeProcTreeBecomesSnapshotEvents() throws {
        let tree = makeProcTree()
        defer { tree.remove() }
        let scanner = ProcScanner(procRoot: tree.path("proc"), cgroupRoot: tree.path("cgroup"))
        let events = try scanner.scan(timestamp: 77)
        #expect(events.count == 2, "the thread id and the vanished process add nothing")
        let event = try #require(events.first { $0.pid == 100 })
        #expect(event.type == .procsnapshot)
        #expect(event.pid == 100)
        #expect(event.tid == 100)
        #expect(event.timestamp == 77)
        #expect(event.param("exe") == .string("/usr/bin/python3"))
        #expect(event.param("args") == .strings(["-m", "http.server"]))
        #expect(event.param("comm") == .string("my (weird) proc"))
        #expect(event.param("ptid") == .pid(1))
        #expect(event.param("cwd") == .string("/srv/www"))
        #expect(event.param("env") == .strings(["HOME=/root", "LANG=C"]))
        #expect(event.param("tty") == .uint(34816))
        #expect(event.param("sid") == .pid(100))
        #expect(event.param("pgid") == .pid(100))
        #expect(event.param("vpgid") == .pid(7))
        #expect(event.param("vpid") == .pid(7))
        #expect(event.param("loginuid") == .int(1000))
        #expect(event.param("uid") == .uint(1001))
        #expect(event.param("gid") == .uint(51))
        #expect(event.param("cap_permitted") == .uint(0xa804_25fb))
        #expect(event.param("pidns") == .uint(4_026_532_000))
        #expect(event.param("trusted_exepath") == .string(tree.path("bin/python3")))
        let ticks = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        #expect(event.param("start_ts") == .uint(1_700_000_000_000_000_000 + 12345 * 1_000_000_000 / ticks))
        #expect(
            event.param("cgroups")
                == .strings([
                    "memory=/docker/\(containerID)", "cpu=/docker/\(containerID)", "cpuacct=/docker/\(containerID)",
                    "pids=/docker/\(containerID)",
                ]))
        #expect(
            event.param("fds")
                == .strings([
                    "0 f /dev/null", "3 d \(tree.path("data"))", "4 4 127.0.0.1:45678->127.0.0.1:8000 tcp server",
                    "5 4 0.0.0.0:8000 tcp server", "6 u /run/app.sock", "7 p pipe:[777]", "8 e anon_inode:[eventfd]",
                    "10 m /memfd:x (deleted)", "11 f /nonexistent/file",
                ]))
    }

    @Test func kernelThreadsAreDescribedWithoutAProgram() throws {
        let tree = makeProcTree()
        defer { tree.remove() }
        let scanner = ProcScanner(procRoot: tree.path("proc"), cgroupRoot: tree.path("cgroup"))
        let event = try #require(scanner.snapshot(id: 2, timestamp: 1))
        #expect(event.param("comm") == .string("kthreadd"))
        #expect(event.param("exe") == .string("kthreadd"))
        #expect(event.param("trusted_exepath") == .string(""))
        #expect(event.param("cap_effective") == .uint(0x1ff_ffff_ffff))
        #expect(event.param("fds") == .strings([]))
    }

    @Test func fakeSnapshotRebuildsTheProcess() throws {
        let tree = makeProcTree()
        defer { tree.remove() }
        let scanner = ProcScanner(procRoot: tree.path("proc"), cgroupRoot: tree.path("cgroup"))
        var table = ProcessTable()
        for event in try scanner.scan(timestamp: 77) { table.apply(event) }
        let process = try #require(table.process(pid: 100))
        #expect(process.container.id == "0123456789ab")
        #expect(process.container.runtime == .docker)
        #expect(process.cwd == "/srv/www/")
        #expect(process.uid == 1001)
        let accepted = try #require(process.fds[4]?.socket)
        #expect(accepted.role == .server)
        #expect(accepted.remoteAddress == Make.inet("127.0.0.1", 45678))
        #expect(process.fds[5]?.socket?.isListening == true)
        #expect(process.fds[6]?.socket?.role == .server)
        #expect(process.fds[8]?.type == .event)
    }

    @Test func aThreadIdResolvesToItsProcess() throws {
        let tree = makeProcTree()
        defer { tree.remove() }
        let scanner = ProcScanner(procRoot: tree.path("proc"), cgroupRoot: tree.path("cgroup"))
        #expect(scanner.snapshot(id: 201, timestamp: 1)?.pid == 100)
        #expect(scanner.snapshot(id: 300, timestamp: 1) == nil)
        #expect(scanner.snapshot(id: 999, timestamp: 1) == nil)
    }

    @Test func theScannerServesAsTheTablesResolver() throws {
        let tree = makeProcTree()
        defer { tree.remove() }
        let scanner = ProcScanner(procRoot: tree.path("proc"), cgroupRoot: tree.path("cgroup"))
        var table = ProcessTable()
        table.resolver = { scanner.snapshot(id: $0, timestamp: 5) }
        let process = table.apply(Make.openat(pid: 100, tid: 201, fd: 12, name: "log.txt"))
        #expect(process?.name == "my (weird) proc")
        #expect(process?.fds[12]?.name == "/srv/www/log.txt")
        #expect(table.thread(tid: 201)?.pid == 100)
    }

    @Test func missingProcRootIsATypedError() {
        let scanner = ProcScanner(procRoot: "/nonexistent-proc-root")
        #expect(throws: ProcScanError.self) { try scanner.scan(timestamp: 0) }
        do {
            _ = try scanner.scan(timestamp: 0)
        } catch {
            #expect(error.path == "/nonexistent-proc-root")
            #expect(error.description.contains("/nonexistent-proc-root"))
        }
    }

    @Test func theRealProcDescribesThisTestProcess() throws {
        // Something to find among our descriptors: a file and a listening TCP socket.
        let tree = TemporaryTree()
        defer { tree.remove() }
        tree.file("marker.txt", "x")
        let fileFd = open(tree.path("marker.txt"), O_RDONLY)
        defer { _ = Glibc.close(fileFd) }
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { _ = Glibc.close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        try #require(listen(listener, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = UInt16(bigEndian: address.sin_port)

        let scanner = ProcScanner()
        let pid = Int64(getpid())
        let event = try #require(scanner.snapshot(id: pid, timestamp: 1))
        #expect(event.pid == pid)
        #expect(event.param("uid") == .uint(UInt64(geteuid())))
        #expect(event.param("trusted_exepath")?.text == ProcFSReader.link("/proc/self/exe"))
        let lines = try #require(event.strings("fds"))
        #expect(lines.contains("\(fileFd) f \(tree.path("marker.txt"))"))
        #expect(lines.contains("\(listener) 4 127.0.0.1:\(port) tcp server"))

        var table = ProcessTable()
        let applied = table.apply(event)
        let process = try #require(applied)
        #expect(process.fds[Int64(fileFd)]?.name == tree.path("marker.txt"))
        #expect(process.fds[Int64(listener)]?.socket?.isListening == true)
        #expect(process.container.isHost, "the /process_api/<32 hex> cgroup is the host")
        #expect(!process.comm.isEmpty)
        #expect(process.startTime > 1_600_000_000_000_000_000)
    }

    @Test func aFullScanOfTheRealProcIsQuick() throws {
        let scanner = ProcScanner()
        let started = Self.now()
        let events = try scanner.scan(timestamp: 1)
        let elapsed = Self.now() - started
        #expect(events.contains { $0.pid == Int64(getpid()) })
        #expect(events.contains { $0.pid == 1 })
        var table = ProcessTable()
        for event in events { table.apply(event) }
        #expect(table.statistics.processes == events.count)
        #expect(elapsed < 2_000_000_000, "scanned \(events.count) processes in \(elapsed / 1000) µs")
        print("ProcScanner: \(events.count) processes in \(elapsed / 1000) µs")
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

/// readlink for assertions.
enum ProcFSReader {
    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Event {
    fileprivate func strings(_ name: String) -> [String]? {
        if case .strings(let list)? = param(name) { return list }
        return nil
    }
}
