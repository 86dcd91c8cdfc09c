import SakerEvent
import SakerState
import Testing

@Suite("procsnapshot events and their descriptor lines")
struct SnapshotTests {
    @Test func snapshotInsertsTheProcessWithItsDescriptors() throws {
        var table = ProcessTable()
        let fds = [
            "0 f /dev/null", "3 f /etc/passwd", "4 4 127.0.0.1:5000->127.0.0.1:80", "5 u /run/x.sock",
            "6 p pipe:[1234]", "7 d /var/lib", "8 4 0.0.0.0:22 tcp server", "9 6 ::1:40000->::1:5432 tcp client",
            "10 e anon_inode:[eventfd]", "11 u anon_inode:[userfaultfd]", "12 m /memfd:jit (deleted)",
            "13 l anon_inode:[eventpoll]", "14 n ", "15 f /srv/name with spaces.txt", "garbage", "16 ? what",
        ]
        let applied = table.apply(
            Make.snapshot(pid: 300, parent: 1, exe: "/usr/sbin/nginx", args: ["-g", "daemon off;"], cwd: "/srv", fds: fds))
        let process = try #require(applied)
        #expect(process.name == "nginx")
        #expect(process.cwd == "/srv/")
        #expect(process.cmdline == "nginx -g daemon off;")
        #expect(process.startTime == 1_000)
        let table_fds = process.fds
        #expect(table_fds.count == 14)
        #expect(table_fds[3]?.name == "/etc/passwd")
        #expect(table_fds[3]?.type == .file)

        let client = try #require(table_fds[4]?.socket)
        #expect(table_fds[4]?.name == "127.0.0.1:5000->127.0.0.1:80")
        #expect(client.role == .client)
        #expect(client.tuple == Make.tuple(Make.inet("127.0.0.1", 5000), Make.inet("127.0.0.1", 80)))

        #expect(table_fds[5]?.type == .unix)
        #expect(table_fds[5]?.name == "/run/x.sock")
        #expect(table_fds[6]?.type == .pipe)
        #expect(table_fds[6]?.inode == 1234)
        #expect(table_fds[7]?.type == .directory)

        let listener = try #require(table_fds[8]?.socket)
        #expect(table_fds[8]?.name == "0.0.0.0:22")
        #expect(listener.role == .server)
        #expect(listener.isListening)
        #expect(listener.l4Protocol == .tcp)
        #expect(listener.boundAddress == Make.inet("0.0.0.0", 22))

        #expect(table_fds[9]?.typeChar == "6")
        #expect(table_fds[9]?.socket?.remoteAddress == Make.inet("::1", 5432))
        #expect(table_fds[10]?.type == .event)
        #expect(table_fds[10]?.name == "", "libs leaves anonymous inodes unnamed")
        #expect(table_fds[11]?.type == .userfaultfd)
        #expect(table_fds[12]?.type == .memfd)
        #expect(table_fds[12]?.name == "/memfd:jit (deleted)")
        #expect(table_fds[13]?.typeChar == "l")
        #expect(table_fds[14]?.type == .netlink)
        #expect(table_fds[15]?.name == "/srv/name with spaces.txt")
    }

    @Test func snapshotOfAServerSideConnection() throws {
        let decoded = try #require(SnapshotDescriptor.decode("4 4 10.0.0.9:5555->10.0.0.1:8080 tcp server"))
        let socket = try #require(decoded.info.socket)
        #expect(decoded.fd == 4)
        #expect(socket.role == .server)
        #expect(socket.localAddress == Make.inet("10.0.0.1", 8080))
        #expect(socket.remoteAddress == Make.inet("10.0.0.9", 5555))
        #expect(socket.isConnected)
    }

    @Test(arguments: [
        "3 f /etc/passwd", "4 4 127.0.0.1:5000->127.0.0.1:80 tcp client", "5 u /run/x.sock", "6 p pipe:[1234]",
        "7 4 0.0.0.0:53 udp server", "8 6 ::1:40000->::1:5432 tcp client", "9 d /tmp", "10 u anon_inode:[userfaultfd]",
        "11 6 :::80 tcp server",
    ])
    func descriptorLinesRoundTrip(line: String) throws {
        let decoded = try #require(SnapshotDescriptor.decode(line))
        #expect(SnapshotDescriptor.encode(fd: decoded.fd, info: decoded.info) == line)
    }

    @Test func eventsNewerThanTheSnapshotWin() throws {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 300, exe: "/usr/bin/new"))
        table.apply(Make.snapshot(pid: 300, parent: 1, exe: "/usr/bin/old"))
        #expect(table.process(pid: 300)?.exe == "/usr/bin/new")
    }

    @Test func snapshotFillsAPlaceholder() throws {
        var table = ProcessTable()
        let applied = table.apply(Make.openat(pid: 300, fd: 3, name: "/x"))
        let placeholder = try #require(applied)
        table.apply(Make.snapshot(pid: 300, parent: 1, exe: "/usr/bin/late"))
        #expect(table.process(pid: 300) === placeholder)
        #expect(placeholder.name == "late")
        #expect(!placeholder.isPlaceholder)
    }
}
