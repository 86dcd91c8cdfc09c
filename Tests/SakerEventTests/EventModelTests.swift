import Testing
import SakerEvent

@Suite struct EventTypeTests {
    @Test func syscallNamesMatchX86Numbers() {
        #expect(EventType(name: "openat")?.x86_64SyscallNumber == 257)
        #expect(EventType(name: "execve")?.rawValue == 59)
        #expect(EventType(x86_64SyscallNumber: 435)?.name == "clone3")
        #expect(EventType(name: "procexit")?.isSyscall == false)
        #expect(EventType(name: "nonsense") == nil)
        #expect(EventType(x86_64SyscallNumber: 9999) == nil)
    }
}

@Suite struct FlagRenderingTests {
    @Test(arguments: [
        (UInt64(0), "O_RDONLY"),
        (UInt64(0o1101), "O_TRUNC|O_CREAT|O_WRONLY"),
        (UInt64(0o2000002), "O_RDWR|O_CLOEXEC"),
        (UInt64(0o200000 | 0o2000000), "O_DIRECTORY|O_RDONLY|O_CLOEXEC"),
    ])
    func openFlagsRenderLikeLibs(value: UInt64, rendering: String) {
        #expect(FlagTable.openFlags.render(value) == rendering)
        #expect(FlagTable.openFlags.parse(rendering) == value)
    }

    @Test func enumerationsRenderNames() {
        #expect(FlagTable.ptraceRequest.render(16) == "PTRACE_ATTACH")
        #expect(FlagTable.socketFamily.render(17) == "AF_PACKET")
        #expect(FlagTable.execFlags.render(5) == "EXE_WRITABLE|EXE_FROM_MEMFD")
        #expect(FlagTable.execFlags.render(0) == "0")
        #expect(FlagTable.fileMode.render(0o4755) == "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID")
        #expect(FlagTable.fileMode.parse("04755") == 0o4755)
        #expect(FlagTable.fileMode.parse("S_IRUSR|S_ISUID") == 0o4400)
        #expect(Errno.name(115) == "EINPROGRESS")
        #expect(Errno.value(named: "ENOENT") == 2)
    }
}

@Suite struct AddressTests {
    @Test(arguments: ["127.0.0.1", "::1", "fe80::1", "2001:db8::8:800:200c:417a", "::ffff:10.0.0.1", "::"])
    func ipAddressesRoundTrip(text: String) throws {
        let ip = try #require(IPAddress(text))
        #expect(IPAddress(ip.description) == ip)
    }

    @Test func rejectsBadAddresses() {
        for bad in ["1.2.3", "256.1.1.1", "1::2::3", "x", "1.2.3.4.5", ":::"] { #expect(IPAddress(bad) == nil, "\(bad)") }
        #expect(IPAddress("::ffff:10.0.0.1")?.mappedV4 == .v4(10, 0, 0, 1))
    }
}
