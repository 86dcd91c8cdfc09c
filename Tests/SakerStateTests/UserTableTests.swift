import SakerEvent
import SakerState
import Testing

private let containerID = "aa" + String(repeating: "0123456789abcdef", count: 4).dropFirst(2)

@Suite("Users and groups from a root directory")
struct UserTableTests {
    private func makeTree() -> TemporaryTree {
        let tree = TemporaryTree()
        tree.file(
            "etc/passwd",
            """
            # comment
            root:x:0:0:root:/root:/bin/bash
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            broken line without fields
            www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
            toor:x:0:0:shadowed:/root:/bin/sh

            """)
        tree.file("etc/group", "root:x:0:\nadm:x:4:syslog\nwww-data:x:33:\nbad\n")
        // A container with its own accounts, reached through /proc/PID/root.
        tree.file("proc/77/root/etc/passwd", "root:x:0:0:root:/root:/bin/ash\napp:x:1000:1000::/app:/bin/false\n")
        tree.file("proc/77/root/etc/group", "root:x:0:\napp:x:1000:\n")
        return tree
    }

    @Test func hostUsersAndGroups() throws {
        let tree = makeTree()
        defer { tree.remove() }
        let users = UserTable(hostRoot: tree.root)
        let www = try #require(users.user(uid: 33, container: .host, rootDirectory: "/"))
        #expect(www == UserInfo(uid: 33, gid: 33, name: "www-data", home: "/var/www", shell: "/usr/sbin/nologin"))
        #expect(users.user(uid: 0, container: .host, rootDirectory: "/")?.name == "root", "the first entry wins")
        #expect(users.user(uid: 4242, container: .host, rootDirectory: "/") == nil)
        #expect(users.group(gid: 4, container: .host, rootDirectory: "/")?.name == "adm")
        #expect(users.group(gid: 99, container: .host, rootDirectory: "/") == nil)
    }

    @Test func containerProcessesReadTheirOwnRoot() throws {
        let tree = makeTree()
        defer { tree.remove() }
        let users = UserTable(hostRoot: tree.root)
        var table = ProcessTable()
        table.apply(Make.exec(pid: 77, exe: "/app/server", uid: 1000, gid: 1000, cgroups: ["memory=/docker/\(containerID)"]))
        let process = try #require(table.process(pid: 77))
        #expect(!process.container.isHost)
        #expect(users.rootDirectory(for: process) == "/proc/77/root")
        #expect(users.user(uid: 1000, for: process)?.name == "app")
        #expect(users.user(uid: 0, for: process)?.shell == "/bin/ash")
        #expect(users.group(gid: 1000, for: process)?.name == "app")
        #expect(users.user(uid: 0, container: .host, rootDirectory: "/")?.shell == "/bin/bash")
    }

    @Test func missingFilesMeanNoUsers() {
        let tree = TemporaryTree()
        defer { tree.remove() }
        let users = UserTable(hostRoot: tree.root)
        #expect(users.user(uid: 0, container: .host, rootDirectory: "/") == nil)
        #expect(users.group(gid: 0, container: .host, rootDirectory: "/") == nil)
    }

    @Test func aChangedFileIsReReadOnAMiss() {
        let tree = makeTree()
        defer { tree.remove() }
        let users = UserTable(hostRoot: tree.root, reloadInterval: 0)
        #expect(users.user(uid: 2000, container: .host, rootDirectory: "/") == nil)
        tree.file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnewbie:x:2000:2000::/home/newbie:/bin/sh\n")
        #expect(users.user(uid: 2000, container: .host, rootDirectory: "/")?.name == "newbie")
    }

    @Test func loginNameIsNilWithoutALoginUID() throws {
        let tree = makeTree()
        defer { tree.remove() }
        let users = UserTable(hostRoot: tree.root)
        var table = ProcessTable()
        table.apply(Make.exec(pid: 5, exe: "/bin/sh", loginuid: -1))
        table.apply(Make.exec(pid: 6, exe: "/bin/sh", loginuid: 33))
        #expect(users.loginName(for: try #require(table.process(pid: 5))) == nil)
        #expect(users.loginName(for: try #require(table.process(pid: 6))) == "www-data")
    }
}
