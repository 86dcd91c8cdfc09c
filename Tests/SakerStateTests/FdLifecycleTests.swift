import SakerEvent
import SakerState
import Testing

private let oCloexec: UInt64 = 0o2000000
private let oDirectory: UInt64 = 0o200000

/// One process, pid 42, cwd /home/user.
private func makeTable() -> ProcessTable {
    var table = ProcessTable()
    table.apply(Make.exec(pid: 42, exe: "/usr/bin/app", cwd: "/home/user"))
    return table
}

@Suite("File descriptor lifecycle")
struct FdLifecycleTests {
    @Test func openResolvesRelativeNamesAgainstTheCwd() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "open", pid: 42,
                [("fd", .fd(3)), ("name", .string("docs/../notes.txt")), ("flags", .flags(0o101, .openFlags)),
                 ("mode", .mode(0o644)), ("dev", .uint(0x803)), ("ino", .uint(99))]))
        let info = try #require(table.process(pid: 42)?.fds[3])
        #expect(info.type == .file)
        #expect(info.typeChar == "f")
        #expect(info.name == "/home/user/notes.txt")
        #expect(info.rawName == "docs/../notes.txt")
        #expect(info.openFlags == 0o101)
        #expect(info.device == 0x803)
        #expect(info.inode == 99)
        #expect(info.directory == "/home/user")
        #expect(info.filename == "notes.txt")
    }

    @Test func openatWithAtFdcwdUsesTheCwd() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "./a//b"))
        #expect(table.process(pid: 42)?.fds[3]?.name == "/home/user/a/b")
    }

    @Test func openatWithADirectoryDescriptorUsesItsName() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/etc/ssh", flags: oDirectory))
        let directory = try #require(table.process(pid: 42)?.fds[3])
        #expect(directory.type == .directory)
        #expect(directory.typeChar == "d")
        #expect(directory.directory == "/etc/ssh")
        table.apply(Make.openat(pid: 42, fd: 4, name: "../passwd", dirfd: 3))
        #expect(table.process(pid: 42)?.fds[4]?.name == "/etc/passwd")
    }

    @Test func openatWithAnUnknownDirectoryDescriptorIsMarkedUnknown() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 4, name: "x/./y", dirfd: 17))
        let info = try #require(table.process(pid: 42)?.fds[4])
        #expect(info.name == "<UNKNOWN>x/y")
        #expect(info.rawName == "x/./y")
    }

    @Test func absoluteNamesIgnoreTheDirectoryDescriptor() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 4, name: "/etc/../etc//shadow", dirfd: 17))
        #expect(table.process(pid: 42)?.fds[4]?.name == "/etc/shadow")
    }

    @Test func openat2AndCreat() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "openat2", pid: 42,
                [("fd", .fd(5)), ("dirfd", .fd(-100)), ("name", .string("o2")), ("flags", .flags(oCloexec, .openFlags)),
                 ("mode", .mode(0)), ("resolve", .uint(0))]))
        table.apply(
            Make.event("creat", pid: 42, [("fd", .fd(6)), ("name", .string("/tmp/new")), ("mode", .mode(0o600))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[5]?.name == "/home/user/o2")
        #expect(process.fds[5]?.closeOnExec == true)
        #expect(process.fds[6]?.name == "/tmp/new")
        #expect(process.fds[6]?.openFlags == 0o1101)
    }

    @Test func failedOpenAddsNothing() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "openat", pid: 42,
                [("fd", .fd(-2)), ("dirfd", .fd(-100)), ("name", .string("missing")), ("flags", .flags(0, .openFlags))]))
        #expect(table.process(pid: 42)?.fds.isEmpty == true)
    }

    @Test func closeKeepsTheDescriptorForItsOwnEventOnly() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/etc/hosts"))
        let applied = table.apply(Make.close(pid: 42, fd: 3))
        let process = try #require(applied)
        #expect(process.fds[3]?.name == "/etc/hosts")
        table.apply(Make.event("getpid", pid: 42, [("res", .errno(42))]))
        #expect(process.fds[3] == nil)
    }

    @Test func failedCloseKeepsTheDescriptor() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/etc/hosts"))
        table.apply(Make.close(pid: 42, fd: 3, res: -9))
        table.flushPending()
        #expect(table.process(pid: 42)?.fds[3] != nil)
    }

    @Test func reopeningTheClosedNumberInTheNextEventSurvives() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/a"))
        table.apply(Make.close(pid: 42, fd: 3))
        table.apply(Make.openat(pid: 42, fd: 3, name: "/b"))
        table.flushPending()
        #expect(table.process(pid: 42)?.fds[3]?.name == "/b")
    }

    @Test func dupCopiesTheDescriptorAndClearsCloseOnExec() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/var/log/app.log", flags: 0o2001 | oCloexec))
        table.apply(Make.event("dup", pid: 42, [("res", .fd(4)), ("oldfd", .fd(3))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[4]?.name == "/var/log/app.log")
        #expect(process.fds[4]?.closeOnExec == false)
        #expect(process.fds[3]?.closeOnExec == true)
    }

    @Test func dup2ReplacesTheTargetDescriptor() throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 42, fd: 3))
        table.apply(Make.openat(pid: 42, fd: 1, name: "/dev/pts/0"))
        table.apply(Make.event("dup2", pid: 42, [("res", .fd(1)), ("oldfd", .fd(3)), ("newfd", .fd(1))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[1]?.type == .ipv4)
        #expect(process.fds[3]?.type == .ipv4)
    }

    @Test func dup2OntoItselfChangesNothing() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/a", flags: oCloexec))
        table.apply(Make.event("dup2", pid: 42, [("res", .fd(3)), ("oldfd", .fd(3)), ("newfd", .fd(3))]))
        #expect(table.process(pid: 42)?.fds[3]?.closeOnExec == true)
    }

    @Test func dup3AndFcntlDupfdCloexecSetCloseOnExec() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/a"))
        table.apply(
            Make.event(
                "dup3", pid: 42,
                [("res", .fd(7)), ("oldfd", .fd(3)), ("newfd", .fd(7)), ("flags", .flags(oCloexec, .fdFlags))]))
        table.apply(
            Make.event("fcntl", pid: 42, [("res", .fd(8)), ("fd", .fd(3)), ("cmd", .flags(1030, .fcntlCommand))]))
        table.apply(Make.event("fcntl", pid: 42, [("res", .fd(9)), ("fd", .fd(3)), ("cmd", .flags(0, .fcntlCommand))]))
        table.apply(Make.event("fcntl", pid: 42, [("res", .fd(0)), ("fd", .fd(3)), ("cmd", .flags(1, .fcntlCommand))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[7]?.closeOnExec == true)
        #expect(process.fds[7]?.openFlags == oCloexec)
        #expect(process.fds[8]?.closeOnExec == true)
        #expect(process.fds[9]?.closeOnExec == false)
        #expect(process.fds[9]?.name == "/a")
        #expect(process.fds[0] == nil, "F_GETFD returns flags, not a descriptor")
    }

    @Test func dupOfAnUnknownDescriptorAddsNothing() throws {
        var table = makeTable()
        table.apply(Make.event("dup", pid: 42, [("res", .fd(4)), ("oldfd", .fd(3))]))
        #expect(table.process(pid: 42)?.fds.isEmpty == true)
    }

    @Test func pipeCreatesTwoEnds() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "pipe2", pid: 42,
                [("res", .errno(0)), ("fd1", .fd(3)), ("fd2", .fd(4)), ("ino", .uint(5555)),
                 ("flags", .flags(oCloexec, .fdFlags))]))
        table.apply(
            Make.event("pipe", pid: 42, [("res", .errno(0)), ("fd1", .fd(5)), ("fd2", .fd(6)), ("ino", .uint(6666))]))
        let process = try #require(table.process(pid: 42))
        for fd: Int64 in [3, 4, 5, 6] { #expect(process.fds[fd]?.typeChar == "p") }
        #expect(process.fds[3]?.inode == 5555)
        #expect(process.fds[4]?.closeOnExec == true)
        #expect(process.fds[6]?.closeOnExec == false)
    }

    @Test func memfdCreate() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "memfd_create", pid: 42, [("fd", .fd(3)), ("name", .string("payload")), ("flags", .flags(1, .memfdFlags))]))
        let info = try #require(table.process(pid: 42)?.fds[3])
        #expect(info.type == .memfd)
        #expect(info.typeChar == "m")
        #expect(info.typeName == "memfd")
        #expect(info.isMemfd)
        #expect(info.name == "payload")
        #expect(info.closeOnExec)
    }

    @Test func anonymousDescriptors() throws {
        var table = makeTable()
        table.apply(Make.event("userfaultfd", pid: 42, [("res", .fd(3)), ("flags", .flags(0, .fdFlags))]))
        table.apply(Make.event("io_uring_setup", pid: 42, [("res", .fd(4)), ("entries", .uint(8)), ("flags", .uint(0))]))
        table.apply(Make.event("bpf", pid: 42, [("fd", .fd(5)), ("cmd", .flags(5, .bpfCommand))]))
        table.apply(Make.event("bpf", pid: 42, [("fd", .fd(6)), ("cmd", .flags(0, .bpfCommand))]))
        table.apply(Make.event("bpf", pid: 42, [("fd", .fd(0)), ("cmd", .flags(2, .bpfCommand))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[3]?.type == .userfaultfd)
        #expect(process.fds[3]?.typeChar == "u")
        #expect(process.fds[4]?.typeChar == "r")
        #expect(process.fds[4]?.typeName == "io_uring")
        #expect(process.fds[5]?.typeChar == "b")
        #expect(process.fds[6]?.typeChar == "b")
        #expect(process.fds[0] == nil, "BPF_MAP_UPDATE_ELEM returns 0, not a descriptor")
    }

    @Test(arguments: [
        (UInt64(2), "4", "ipv4"), (10, "6", "ipv6"), (1, "u", "unix"), (16, "n", "netlink"), (17, "o", "<NA>"),
    ])
    func socketFamilies(domain: UInt64, typeChar: String, typeName: String) throws {
        var table = makeTable()
        table.apply(Make.socket(pid: 42, fd: 3, domain: domain))
        let info = try #require(table.process(pid: 42)?.fds[3])
        #expect(String(info.typeChar) == typeChar)
        #expect(info.typeName == typeName)
    }

    @Test func socketpairCreatesTwoUnixSockets() throws {
        var table = makeTable()
        table.apply(
            Make.event(
                "socketpair", pid: 42,
                [("res", .errno(0)), ("fd1", .fd(3)), ("fd2", .fd(4)), ("domain", .flags(1, .socketFamily)),
                 ("type", .uint(1 | oCloexec)), ("proto", .uint(0))]))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds[3]?.type == .unix)
        #expect(process.fds[4]?.type == .unix)
        #expect(process.fds[4]?.closeOnExec == true)
    }

    @Test func execDropsCloseOnExecDescriptors() throws {
        var table = makeTable()
        table.apply(Make.openat(pid: 42, fd: 3, name: "/kept"))
        table.apply(Make.openat(pid: 42, fd: 4, name: "/dropped", flags: oCloexec))
        table.apply(Make.socket(pid: 42, fd: 5, type: 1 | oCloexec))
        table.apply(
            Make.event("memfd_create", pid: 42, [("fd", .fd(6)), ("name", .string("m")), ("flags", .flags(1, .memfdFlags))]))
        table.apply(Make.exec(pid: 42, exe: "/bin/sh"))
        let process = try #require(table.process(pid: 42))
        #expect(process.fds.sorted.map(\.fd) == [3])
    }

    @Test func chdirAndFchdirMoveTheCwd() throws {
        var table = makeTable()
        table.apply(Make.event("chdir", pid: 42, [("res", .errno(0)), ("path", .string("../other/./dir"))]))
        #expect(table.process(pid: 42)?.cwd == "/home/other/dir/")
        table.apply(Make.openat(pid: 42, fd: 3, name: "/var/tmp", flags: oDirectory))
        table.apply(Make.event("fchdir", pid: 42, [("res", .errno(0)), ("fd", .fd(3))]))
        #expect(table.process(pid: 42)?.cwd == "/var/tmp/")
        table.apply(Make.event("chdir", pid: 42, [("res", .errno(-2)), ("path", .string("/nope"))]))
        #expect(table.process(pid: 42)?.cwd == "/var/tmp/")
        table.apply(Make.openat(pid: 42, fd: 4, name: "file"))
        #expect(table.process(pid: 42)?.fds[4]?.name == "/var/tmp/file")
    }

    @Test func chrootChangesTheRoot() throws {
        var table = makeTable()
        table.apply(Make.event("chroot", pid: 42, [("res", .errno(0)), ("path", .string("jail"))]))
        #expect(table.process(pid: 42)?.root == "/home/user/jail")
    }
}
