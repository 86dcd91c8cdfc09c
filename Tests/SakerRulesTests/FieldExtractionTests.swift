import Glibc
import SakerEvent
import SakerRules
import SakerState
import Testing

@Suite struct FieldExtractionTests {
    typealias F = FieldFixtures

    @Test(arguments: [
        ("evt.type", FieldValue.string("openat")),
        ("evt.num", .uint(42)),
        ("evt.rawtime", .uint(F.base + 3_000)),
        ("evt.time", .string("12:00:00.000003000")),
        ("evt.time.iso8601", .string("2026-11-27T12:00:00.000003000Z")),
        ("evt.hostname", .string("testhost")),
        ("evt.dir", .string("<")),
        ("evt.cpu", .int(1)),
        ("evt.res", .string("SUCCESS")),
        ("evt.rawres", .int(3)),
        ("evt.failed", .bool(false)),
        ("evt.is_open_read", .bool(true)),
        ("evt.is_open_write", .bool(false)),
        ("evt.is_open_exec", .bool(false)),
        ("evt.arg.flags", .string("O_RDONLY|O_CLOEXEC")),
        ("evt.arg.name", .string("/etc/shadow")),
        ("evt.arg.fd", .string("<f>/etc/shadow")),
        ("evt.rawarg.flags", .uint(0o2000000)),
        ("evt.category", .string("file")),
    ])
    func eventFieldsOfAnOpen(_ field: String, _ expected: FieldValue) throws {
        #expect(try F.extract(field, for: F.openShadow) == expected)
    }

    @Test func evtArgsRendersEveryParameterWithResolvedValues() throws {
        let args = try F.extract("evt.args", for: F.openShadow)?.string
        #expect(args == "fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow flags=524288(O_RDONLY|O_CLOEXEC) mode=0 dev=2049 ino=1234")
    }

    @Test func evtArgByPositionCountsFromTheFirstParameter() throws {
        #expect(try F.extract("evt.arg", argument: "2", for: F.openShadow) == .string("/etc/shadow"))
    }

    @Test func failedCallsRenderTheErrnoName() throws {
        #expect(try F.extract("evt.res", for: F.openMissing) == .string("ENOENT"))
        #expect(try F.extract("evt.rawres", for: F.openMissing) == .int(-2))
        #expect(try F.extract("evt.failed", for: F.openMissing) == .bool(true))
        #expect(try F.extract("evt.res", for: F.connect) == .string("EINPROGRESS"))
    }

    @Test func openFlagsDecideReadWriteAndExec() throws {
        #expect(try F.extract("evt.is_open_write", for: F.openMissing) == .bool(true))
        #expect(try F.extract("evt.is_open_read", for: F.openMissing) == .bool(false))
        #expect(try F.extract("evt.is_open_exec", for: F.openMissing) == .bool(true))
        #expect(try F.extract("evt.arg.flags", for: F.openMissing) == .string("O_TRUNC|O_CREAT|O_WRONLY"))
        // Not an open: the flags are false, not missing.
        #expect(try F.extract("evt.is_open_read", for: F.connect) == .bool(false))
    }

    @Test func argumentsCompareAgainstLibsRenderings() throws {
        #expect(try F.extract("evt.arg.request", for: F.ptrace) == .string("PTRACE_ATTACH"))
        #expect(try F.extract("evt.arg.pid", for: F.ptrace) == .string("sshd"))
        #expect(try F.extract("evt.arg.uid", for: F.setuid) == .string("www-data"))
        #expect(try F.extract("evt.rawarg.uid", for: F.setuid) == .uint(33))
    }

    @Test(arguments: [
        ("proc.pid", FieldValue.int(300)),
        ("proc.ppid", .int(200)),
        ("proc.vpid", .int(300)),
        ("proc.name", .string("cat")),
        ("proc.exe", .string("cat")),
        ("proc.exepath", .string("/usr/bin/cat")),
        ("proc.cmdline", .string("cat /etc/shadow")),
        ("proc.args", .string("/etc/shadow")),
        ("proc.pname", .string("bash")),
        ("proc.pexe", .string("-bash")),
        ("proc.pexepath", .string("/usr/bin/bash")),
        ("proc.pcmdline", .string("bash")),
        ("proc.cwd", .string("/home/alice/")),
        ("proc.tty", .uint(34816)),
        ("proc.sid", .int(200)),
        ("proc.sname", .string("bash")),
        ("proc.vpgid", .int(200)),
        ("proc.vpgid.name", .string("bash")),
        ("proc.vpgid.exe", .string("-bash")),
        ("proc.is_vpgid_leader", .bool(false)),
        ("proc.is_sid_leader", .bool(false)),
        ("proc.loginshellid", .int(200)),
        ("proc.duration", .uint(2_000)),
        ("proc.is_exe_writable", .bool(true)),
        ("proc.is_exe_from_memfd", .bool(false)),
        ("proc.is_container_healthcheck", .bool(false)),
        ("proc.env", .string("HOME=/root PATH=/usr/bin LD_PRELOAD= /tmp/x.so ")),
        ("thread.tid", .int(300)),
        ("thread.cap_effective", .string("CAP_CHOWN CAP_SYS_ADMIN")),
        ("thread.cap_permitted", .string("CAP_CHOWN CAP_SYS_ADMIN")),
        ("thread.cap_inheritable", .string("")),
        ("user.uid", .uint(0)),
        ("user.name", .string("root")),
        ("user.homedir", .string("/root")),
        ("user.shell", .string("/bin/bash")),
        ("user.loginuid", .int(1000)),
        ("user.loginname", .string("alice")),
        ("group.gid", .uint(0)),
        ("group.name", .string("root")),
        ("container.id", .string("host")),
        ("container.name", .string("host")),
    ])
    func processFieldsOfCat(_ field: String, _ expected: FieldValue) throws {
        #expect(try F.extract(field, for: F.openShadow) == expected)
    }

    @Test func indexedAncestorsCountFromTheProcessItself() throws {
        #expect(try F.extract("proc.aname", argument: "0", for: F.openShadow) == .string("cat"))
        #expect(try F.extract("proc.aname", argument: "1", for: F.openShadow) == .string("bash"))
        #expect(try F.extract("proc.aname", argument: "2", for: F.openShadow) == .string("sshd"))
        #expect(try F.extract("proc.aname", argument: "3", for: F.openShadow) == .string("systemd"))
        #expect(try F.extract("proc.aname", argument: "4", for: F.openShadow) == nil)
        #expect(try F.extract("proc.apid", argument: "2", for: F.openShadow) == .int(100))
        #expect(try F.extract("proc.aexepath", argument: "2", for: F.openShadow) == .string("/usr/sbin/sshd"))
        #expect(try F.extract("proc.aexe", argument: "3", for: F.openShadow) == .string("/sbin/init"))
    }

    @Test func anameWithoutIndexListsEveryAncestorParentFirst() throws {
        #expect(
            try F.extract("proc.aname", for: F.openShadow)
                == .list([.string("bash"), .string("sshd"), .string("systemd")]))
    }

    @Test func unknownUsersReadAsNAExceptRoot() throws {
        let nobody = FieldEnvironment(hostname: "h")
        let table = F.table([F.openShadow])
        func value(_ field: String) throws -> FieldValue? {
            var context = FieldContext(event: F.openShadow, table: table, environment: nobody)
            let (definition, argument) = try FieldRegistry.resolve(field, argument: nil)
            return definition.extract(&context, argument)
        }
        // cat runs as uid 0 with login uid 1000; neither is in the (empty) database.
        #expect(try value("user.name") == .string("root"))
        #expect(try value("user.homedir") == .string("/root"))
        #expect(try value("user.shell") == .string("<NA>"))
        #expect(try value("user.loginname") == .string("<NA>"))
        #expect(try value("group.name") == .string("root"))
    }

    @Test func environmentVariablesAreTrimmed() throws {
        #expect(try F.extract("proc.env", argument: "LD_PRELOAD", for: F.openShadow) == .string("/tmp/x.so"))
        #expect(try F.extract("proc.env", argument: "HOME", for: F.openShadow) == .string("/root"))
        #expect(try F.extract("proc.env", argument: "NOPE", for: F.openShadow) == nil)
    }

    @Test(arguments: [
        ("fd.num", FieldValue.int(3)),
        ("fd.type", .string("file")),
        ("fd.typechar", .string("f")),
        ("fd.name", .string("/etc/shadow")),
        ("fd.nameraw", .string("/etc/shadow")),
        ("fd.directory", .string("/etc")),
        ("fd.filename", .string("shadow")),
        ("fd.ino", .int(1234)),
        ("fd.dev", .uint(2049)),
    ])
    func descriptorFieldsOfAFile(_ field: String, _ expected: FieldValue) throws {
        #expect(try F.extract(field, for: F.openShadow) == expected)
    }

    @Test func aFailedOpenStillNamesItsPath() throws {
        // libs' extract_from_null_fd: name, raw name and directory from the call's arguments,
        // the type character guessed from the call, no file name; fd.num is -1 (libs'
        // m_lastevent_fd is only set by a successful open, which `open_file_failed` relies on).
        #expect(try F.extract("fd.name", for: F.openMissing) == .string("/home/alice/todo.txt"))
        #expect(try F.extract("fd.nameraw", for: F.openMissing) == .string("notes/../todo.txt"))
        #expect(try F.extract("fd.directory", for: F.openMissing) == .string("/home/alice"))
        #expect(try F.extract("fd.filename", for: F.openMissing) == nil)
        #expect(try F.extract("fd.num", for: F.openMissing) == .int(-1))
        #expect(try F.extract("fd.typechar", for: F.openMissing) == .string("f"))
        #expect(try F.extract("fd.type", for: F.openMissing) == nil)
    }

    @Test func eventsWithoutADescriptorHaveAnEmptyName() throws {
        #expect(try F.extract("fd.name", for: F.ptrace) == .string(""))
        #expect(try F.extract("fd.typechar", for: F.ptrace) == .string("o"))
        #expect(try F.extract("fd.num", for: F.ptrace) == nil)
        #expect(try F.extract("fd.type", for: F.ptrace) == nil)
    }

    @Test(arguments: [
        ("fd.num", FieldValue.int(4)),
        ("fd.type", .string("ipv4")),
        ("fd.typechar", .string("4")),
        ("fd.cip", .ip(IPAddress("10.0.0.5")!)),
        ("fd.sip", .ip(IPAddress("93.184.216.34")!)),
        ("fd.lip", .ip(IPAddress("10.0.0.5")!)),
        ("fd.rip", .ip(IPAddress("93.184.216.34")!)),
        ("fd.cport", .uint(40000)),
        ("fd.sport", .uint(443)),
        ("fd.lport", .uint(40000)),
        ("fd.rport", .uint(443)),
        ("fd.l4proto", .string("tcp")),
        ("fd.sockfamily", .string("ip")),
        ("fd.is_server", .bool(false)),
        ("fd.connected", .bool(true)),
        ("fd.ip", .list([.ip(IPAddress("10.0.0.5")!), .ip(IPAddress("93.184.216.34")!)])),
    ])
    func descriptorFieldsOfAConnection(_ field: String, _ expected: FieldValue) throws {
        #expect(try F.extract(field, for: F.connect) == expected)
    }

    @Test func aConnectionIsNamedByItsTupleOnceTheConnectSucceeded() throws {
        // libs treats a connect that returned an error (EINPROGRESS included) as having no
        // descriptor for fd.name, and extract_fdname_from_creator renders the call's tuple.
        #expect(try F.extract("fd.name", for: F.connect) == .string("10.0.0.5:40000->93.184.216.34:443"))
        var connected = F.connect
        connected.setParam("res", .errno(0))
        #expect(try F.extract("fd.name", for: connected) == .string("10.0.0.5:40000->93.184.216.34:443"))
    }

    @Test func filesystemPathsNameWhatTheCallOperatedOn() throws {
        let rename = F.event("renameat2", pid: 300, at: 9_000, [
            EventParam("res", .errno(0)), EventParam("olddirfd", .fd(-100)), EventParam("oldpath", .string("a.txt")),
            EventParam("newdirfd", .fd(-100)), EventParam("newpath", .string("/tmp/b.txt")),
            EventParam("flags", .flags(0, .renameFlags)),
        ])
        #expect(try F.extract("fs.path.source", for: rename) == .string("/home/alice/a.txt"))
        #expect(try F.extract("fs.path.sourceraw", for: rename) == .string("a.txt"))
        #expect(try F.extract("fs.path.target", for: rename) == .string("/tmp/b.txt"))
        #expect(try F.extract("evt.abspath.src", for: rename) == .string("/home/alice/a.txt"))
        #expect(try F.extract("evt.abspath.dst", for: rename) == .string("/tmp/b.txt"))
        #expect(try F.extract("evt.abspath", for: rename) == nil)
        #expect(try F.extract("fs.path.name", for: rename) == nil)
        #expect(try F.extract("fs.path.name", for: F.openShadow) == .string("/etc/shadow"))
        // Only successful calls have paths.
        #expect(try F.extract("fs.path.name", for: F.openMissing) == nil)
    }

    @Test func standardStreamsAndContainerScopedNames() throws {
        #expect(try F.extract("proc.stdin.type", for: F.openShadow) == nil)
        #expect(try F.extract("fd.containername", for: F.openShadow) == .string("host:/etc/shadow"))
        #expect(try F.extract("fd.containerdirectory", for: F.openShadow) == .string("host:/etc"))
    }

    @Test func fieldsWithoutAContainerRuntimeAreMissing() throws {
        for field in ["container.image.repository", "container.privileged", "k8s.ns.name", "k8s.pod.name",
                      "container.start_ts", "container.mounts", "fd.sip.name"] {
            #expect(try F.extract(field, for: F.openShadow) == nil, "\(field)")
        }
        #expect(try F.extract("container.mount.dest", argument: "/etc", for: F.openShadow) == nil)
    }

    @Test func capabilitySetsRenderAsNames() {
        #expect(FieldRegistry.capabilityNames(0) == "")
        #expect(FieldRegistry.capabilityNames(1 << 21 | 1 << 12) == "CAP_NET_ADMIN CAP_SYS_ADMIN")
    }

    @Test func everyUpstreamFieldIsKnown() {
        let used = [
            "proc.name", "fd.name", "proc.cmdline", "proc.pname", "evt.type", "user.name", "proc.tty", "user.uid",
            "user.loginuid", "proc.exepath", "container.image.repository", "proc.args", "evt.arg.flags",
            "proc.pcmdline", "fd.directory", "fd.typechar", "fd.type", "fd.l4proto", "fd.rport", "fd.lport",
            "evt.arg.path", "evt.res", "proc.pexe", "proc.exe", "evt.arg.name", "thread.cap_permitted", "evt.rawres",
            "evt.arg.oldpath", "evt.arg.uid", "evt.arg.newpath", "proc.aname", "k8s.ns.name", "fd.sport", "fd.num",
            "fd.net", "evt.arg.mode", "fd.ip", "proc.cwd", "evt.num", "evt.arg.request", "proc.env", "fd.sip.name",
            "fd.sip", "container.id", "thread.cap_effective", "fd.snet", "fd.name_changed", "fd.filename",
            "fd.connected", "evt.is_open_read", "evt.arg.filename", "proc.vpid", "fd.nameraw", "evt.is_open_write",
            "evt.hostname", "evt.args", "evt.arg.target", "evt.arg.cmd", "container.privileged", "user.loginname",
            "proc.sname", "proc.pexepath", "proc.is_vpgid_leader", "group.name", "group.gid", "fd.cip.name",
            "evt.arg.fd", "container.start_ts", "proc.vpgid.name", "proc.vpgid.exe", "proc.ppid.duration",
            "proc.is_exe_upper_layer", "proc.is_exe_from_memfd", "proc.exe_ino.mtime",
            "proc.exe_ino.ctime_duration_proc_start", "proc.exe_ino.ctime", "proc.duration", "k8s.pod.name",
            "fd.sockfamily", "fd.rnet", "fd.rip.name", "fd.rip", "fd.port", "fd.lip.name", "fd.cnet", "fd.cip",
            "evt.is_open_exec", "evt.buffer", "evt.arg.linkpath", "evt.arg.domain", "container.mounts",
        ]
        for name in used {
            #expect(throws: Never.self, "\(name)") { try FieldRegistry.resolve(name, argument: nil) }
        }
        for (name, argument) in [("proc.aname", "2"), ("proc.aexe", "2"), ("proc.aexepath", "2"),
                                 ("container.mount.dest", "/var/run/docker.sock"), ("fd.types", "0")] {
            #expect(throws: Never.self, "\(name)") { try FieldRegistry.resolve(name, argument: argument) }
        }
    }

    @Test func theCurrentHostHasANameAndRoot() {
        let host = FieldEnvironment.currentHost()
        #expect(!host.hostname.isEmpty)
        #expect(host.users.user(0)?.name == "root")
    }

    @Test func theFieldTableListsEveryField() {
        let table = FieldRegistry.markdownTable
        #expect(table.hasPrefix("| Field | Type | Description |"))
        #expect(table.contains("| `proc.aname[N]` | string |"))
        #expect(table.contains("| `evt.arg.NAME` | string |"))
        #expect(table.split(separator: "\n").count == FieldRegistry.all.count + 2)
    }

    @Test func everyFieldHasADescription() {
        for definition in FieldRegistry.all {
            #expect(!definition.description.isEmpty, "\(definition.name)")
        }
        #expect(Set(FieldRegistry.all.map(\.name)).count == FieldRegistry.all.count)
    }

    @Test func unknownFieldsSuggestTheClosestName() {
        #expect(throws: FieldError.self) { try FieldRegistry.resolve("proc.pnme", argument: nil) }
        do {
            _ = try FieldRegistry.resolve("proc.pnme", argument: nil)
        } catch {
            #expect(error.message.contains("proc.pnme"))
            #expect(error.message.contains("did you mean `proc.pname`?"))
            #expect(error.isUnknownField)
        }
    }

    @Test func userNamesComeFromThePipelinesUserTableWhenGiven() throws {
        var template = Array("/tmp/saker-users-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
            return String(cString: path)
        }
        let directory = try #require(created)
        mkdir(directory + "/etc", 0o755)
        func write(_ path: String, _ text: String) {
            let file = fopen(directory + path, "w")
            fputs(text, file)
            fclose(file)
        }
        write("/etc/passwd", "toor:x:0:0:toor:/var/toor:/bin/sh\n")
        write("/etc/group", "wheel:x:0:\n")
        let users = UserTable(hostRoot: directory)
        let table = F.table([F.openShadow])
        var context = FieldContext(event: F.openShadow, table: table, environment: F.environment, userTable: users)
        let (name, _) = try FieldRegistry.resolve("user.name", argument: nil)
        let (home, _) = try FieldRegistry.resolve("user.homedir", argument: nil)
        let (group, _) = try FieldRegistry.resolve("group.name", argument: nil)
        #expect(name.extract(&context, .none) == .string("toor"))
        #expect(home.extract(&context, .none) == .string("/var/toor"))
        #expect(group.extract(&context, .none) == .string("wheel"))
    }
}
