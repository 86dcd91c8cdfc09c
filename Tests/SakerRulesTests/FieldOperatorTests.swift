import SakerEvent
import SakerRules
import Testing

/// The operators, on the fixture host: `cat /etc/shadow` (child of bash, of sshd, of systemd)
/// opening `/etc/shadow`, and connecting a TCP socket to 93.184.216.34:443.
@Suite struct FieldOperatorTests {
    typealias F = FieldFixtures

    static let onOpen: [(String, Bool)] = [
        // Equality and inequality on strings.
        ("proc.name = cat", true),
        ("proc.name == cat", true),
        ("proc.name = Cat", false),
        ("proc.name != cat", false),
        ("proc.name != dog", true),
        ("fd.name = \"/etc/shadow\"", true),
        ("fd.name = '/etc/shadow'", true),
        // Numbers.
        ("proc.pid = 300", true),
        ("proc.pid != 300", false),
        ("proc.pid < 301", true),
        ("proc.pid <= 300", true),
        ("proc.pid > 300", false),
        ("proc.pid >= 300", true),
        ("proc.ppid in (1, 200, 300)", true),
        ("proc.ppid in (1, 2)", false),
        ("user.uid = 0", true),
        ("user.loginuid = 1000", true),
        ("evt.rawres >= 0", true),
        ("evt.rawres in (0, 1, 2)", false),
        ("evt.rawarg.fd = 3", true),
        ("evt.rawarg.fd > 2", true),
        ("evt.rawarg.fd < 10", true),
        ("evt.rawarg.flags > 0", true),
        ("evt.rawarg.name = /etc/shadow", true),
        ("fd.num = 3", true),
        ("proc.tty != 0", true),
        ("proc.duration > 1000", true),
        // Booleans.
        ("evt.is_open_read = true", true),
        ("evt.is_open_read = false", false),
        ("evt.is_open_write = true", false),
        ("proc.is_exe_writable = true", true),
        // Substrings, prefixes, suffixes.
        ("fd.name contains shad", true),
        ("fd.name contains SHAD", false),
        ("fd.name icontains SHAD", true),
        ("fd.name startswith /etc/", true),
        ("fd.name startswith /var/", false),
        ("fd.name endswith dow", true),
        ("fd.name endswith /etc", false),
        ("proc.cmdline contains \"cat /etc\"", true),
        ("evt.arg.flags contains O_CLOEXEC", true),
        ("evt.arg.flags contains O_TRUNC", false),
        ("thread.cap_effective contains CAP_SYS_ADMIN", true),
        ("thread.cap_effective icontains sys_admin", true),
        ("fd.name bcontains 736861646f77", true),
        ("fd.name bstartswith 2f657463", true),
        ("fd.name bstartswith 2f766172", false),
        // Globs.
        ("fd.name glob /etc/*", true),
        ("fd.name glob '/etc/sha?ow'", true),
        ("fd.name glob '/etc/[rs]hadow'", true),
        ("fd.name glob '/etc/[!s]hadow'", false),
        ("fd.name glob '*/shadow'", true),
        ("fd.name glob /var/*", false),
        ("fd.name iglob /ETC/SHADOW", true),
        ("fd.name glob /ETC/SHADOW", false),
        // Regular expressions (whole value, as RE2 anchored at both ends).
        ("fd.name regex '/etc/s.*'", true),
        ("fd.name regex 'etc'", false),
        ("fd.name regex '.*etc.*'", true),
        ("fd.name regex '/etc/(passwd|shadow)'", true),
        ("fd.name regex '/etc/[a-z]{6}'", true),
        ("fd.name regex '/etc/[a-z]{7}'", false),
        ("proc.cmdline regex '^cat[[:space:]]+/etc/[[:alpha:]]+$'", true),
        ("proc.cmdline regex 'ca?t .*'", true),
        ("fd.name regex '/etc/(pass|sha)(wd|dow)'", true),
        // Lists.
        ("proc.name in (cat, dog)", true),
        ("proc.name in (dog, bird)", false),
        ("proc.name in (\"cat\")", true),
        ("proc.args intersects (\"-V\", \"/etc/shadow\")", true),
        ("fd.name pmatch (/etc)", true),
        ("fd.name pmatch (/etc/)", true),
        ("fd.name pmatch (/et)", false),
        ("fd.name pmatch (/var, /etc/shadow)", true),
        ("fd.directory pmatch (/etc)", true),
        ("fd.types intersects (file, ipv4)", true),
        ("fd.types in (file, ipv4)", true),
        ("fd.types in (ipv4, unix)", false),
        ("fd.types[3] in (file)", true),
        // List modifiers.
        ("fd.name startswith anyof (/var, /etc)", true),
        ("fd.name startswith allof (/etc, /e)", true),
        ("fd.name startswith allof (/etc, /var)", false),
        ("fd.name contains oneof (etc, shadow)", false),
        ("fd.name contains oneof (etc, passwd)", true),
        // Ancestors: any ancestor without index, one with it.
        ("proc.aname = sshd", true),
        ("proc.aname = cat", false),
        ("proc.aname in (systemd, nothing)", true),
        ("proc.aname[2] = sshd", true),
        ("proc.aname[1] = sshd", false),
        ("proc.aname[0] = cat", true),
        ("proc.apid = 1", true),
        ("proc.aexepath[3] = /usr/lib/systemd/systemd", true),
        // Exists and missing fields.
        ("proc.pname exists", true),
        ("container.image.repository exists", false),
        ("not container.image.repository exists", true),
        ("container.image.repository = nginx", false),
        ("container.image.repository != nginx", false),
        ("not container.image.repository = nginx", true),
        ("not container.image.repository in (nginx)", true),
        ("proc.aname[9] != sshd", false),
        ("fd.sip = 1.2.3.4", false),
        ("fd.sip != 1.2.3.4", false),
        ("container.id = host", true),
        ("container.id != host", false),
        // Transformers.
        ("tolower(proc.name) = cat", true),
        ("toupper(proc.name) = CAT", true),
        ("basename(fd.name) = shadow", true),
        ("len(fd.name) = 11", true),
        ("len(fd.name) > 20", false),
        ("b64(evt.arg.name) exists", true),
        ("concat(proc.name, \"-\", proc.pname) = cat-bash", true),
        ("join(\"/\", (proc.pname, proc.name)) = bash/cat", true),
        ("tolower(fd.name) startswith /etc", true),
        // Right-hand side fields.
        ("proc.name = val(proc.name)", true),
        ("proc.name = val(proc.pname)", false),
        ("proc.name != val(proc.pname)", true),
        ("fd.directory = val(proc.cwd)", false),
        // Boolean structure.
        ("proc.name = cat and fd.name = /etc/shadow", true),
        ("proc.name = cat and fd.name = /etc/passwd", false),
        ("proc.name = dog or fd.name = /etc/shadow", true),
        ("not proc.name = dog", true),
        ("not (proc.name = cat and fd.typechar = f)", false),
        ("(proc.name = dog or proc.name = cat) and not fd.name startswith /var", true),
        // Event type.
        ("evt.type = openat", true),
        ("evt.type in (open, openat, openat2)", true),
        ("evt.type != openat", false),
        ("evt.type = execve", false),
        ("evt.type in (execve)", false),
        // Environment and users.
        ("proc.env[HOME] = /root", true),
        ("proc.env contains LD_PRELOAD", true),
        ("user.name = root", true),
        ("user.loginname = alice", true),
        ("group.name = root", true),
        ("proc.sname = bash", true),
    ]

    @Test(arguments: onOpen)
    func operatorOnTheOpen(_ condition: String, _ expected: Bool) throws {
        #expect(try F.evaluate(condition, for: F.openShadow) == expected, "\(condition)")
    }

    static let onConnect: [(String, Bool)] = [
        ("fd.sip = 93.184.216.34", true),
        ("fd.sip = \"::ffff:93.184.216.34\"", true),
        ("fd.sip != 93.184.216.34", false),
        ("fd.cip = 10.0.0.5", true),
        ("fd.sip in (1.1.1.1, 93.184.216.34)", true),
        ("fd.ip = 10.0.0.5", true),
        ("fd.ip = 93.184.216.34", true),
        ("fd.ip = 8.8.8.8", false),
        ("fd.net = \"10.0.0.0/8\"", true),
        ("fd.net = \"192.168.0.0/16\"", false),
        ("fd.snet = \"93.184.0.0/16\"", true),
        ("fd.snet in (\"10.0.0.0/8\", \"172.16.0.0/12\")", false),
        ("fd.cnet in (\"10.0.0.0/8\", \"172.16.0.0/12\")", true),
        ("fd.rnet != \"93.184.216.0/24\"", false),
        ("fd.sport = 443", true),
        ("fd.rport in (80, 443)", true),
        ("fd.lport > 1024", true),
        ("fd.port = 40000", true),
        ("fd.port = 22", false),
        ("fd.l4proto = tcp", true),
        ("fd.typechar = 4", true),
        ("fd.sockfamily = ip", true),
        ("evt.res = EINPROGRESS", true),
        ("evt.rawres = -115", true),
        ("fd.connected = true", true),
        ("fd.name_changed = false", true),
    ]

    @Test(arguments: onConnect)
    func operatorOnTheConnect(_ condition: String, _ expected: Bool) throws {
        #expect(try F.evaluate(condition, for: F.connect) == expected, "\(condition)")
    }

    @Test(arguments: [
        "proc.pid contains 3", "proc.pid = abc", "fd.sip = not-an-ip", "fd.name regex '(unclosed'",
        "proc.nmae = cat", "evt.is_open_read = maybe", "fd.name bcontains xyz", "fd.types = file",
        "proc.aname[x] = bash", "proc.name[1] = cat", "evt.arg = x",
    ])
    func badChecksDoNotCompile(_ condition: String) {
        #expect(throws: Compiler.Failure.self, "\(condition)") { try Compiler().compile(condition: condition) }
    }
}
