import Glibc
import Testing
import SakerSystemd

@Suite("NotifySocket: the sd_notify datagram protocol on real sockets")
struct NotifySocketTests {
    static let messages: [(NotifyMessage, String)] = [
        (.ready, "READY=1"),
        (.reloading(monotonicUsec: 1_234_567), "RELOADING=1\nMONOTONIC_USEC=1234567"),
        (.stopping, "STOPPING=1"),
        (.status("Ready: 36 rules, 1520 ev/s, 0 drops"), "STATUS=Ready: 36 rules, 1520 ev/s, 0 drops"),
        (.watchdog, "WATCHDOG=1"),
        (.watchdogTrigger, "WATCHDOG=trigger"),
        (.extendTimeout(usec: 30_000_000), "EXTEND_TIMEOUT_USEC=30000000"),
        (.mainPID(4242), "MAINPID=4242"),
    ]

    @Test("each message arrives byte-exact on a path socket", arguments: messages)
    func pathSocket(message: NotifyMessage, expected: String) throws {
        let listener = try NotifyListener(.path)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        #expect(socket.address == .path(listener.notifySocket))
        try socket.send(message)
        #expect(listener.receive(timeout: 5) == expected)
    }

    @Test("each message arrives byte-exact on an abstract @ socket", arguments: messages)
    func abstractSocket(message: NotifyMessage, expected: String) throws {
        let listener = try NotifyListener(.abstract)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        #expect(socket.address == .abstract(String(listener.notifySocket.dropFirst())))
        try socket.send(message)
        #expect(listener.receive(timeout: 5) == expected)
    }

    @Test("messages sent together travel in one datagram, in order")
    func combined() throws {
        let listener = try NotifyListener(.abstract)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        try socket.send(.reloading(monotonicUsec: 77), .status("Reloading"))
        try socket.send([.ready, .status("Ready: 1 rule, 0 ev/s, 0 drops")])
        #expect(listener.receive(timeout: 5) == "RELOADING=1\nMONOTONIC_USEC=77\nSTATUS=Reloading")
        #expect(listener.receive(timeout: 5) == "READY=1\nSTATUS=Ready: 1 rule, 0 ev/s, 0 drops")
    }

    @Test("one socket sends many datagrams, each separately")
    func manyDatagrams() throws {
        let listener = try NotifyListener(.path)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        for _ in 0..<5 { try socket.send(.watchdog) }
        for _ in 0..<5 { #expect(listener.receive(timeout: 5) == "WATCHDOG=1") }
        #expect(listener.receive(timeout: 0.05) == nil)
    }

    @Test("RELOADING carries the CLOCK_MONOTONIC time in microseconds")
    func reloadingNow() throws {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let before = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        let message = NotifyMessage.reloadingNow()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let after = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        guard case .reloading(let usec) = message else {
            Issue.record("expected .reloading, got \(message)")
            return
        }
        #expect(before <= usec && usec <= after)
    }

    @Test("status text stays on one line: newlines and control characters become spaces")
    func statusEscaping() throws {
        let listener = try NotifyListener(.path)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        try socket.send(.status("Reload failed:\nline 2\r\n\tREADY=1\u{0}end\u{2028}x"))
        #expect(listener.receive(timeout: 5) == "STATUS=Reload failed: line 2  \u{20}READY=1 end x")
    }

    @Test("no NOTIFY_SOCKET: the socket is disabled and sends nothing, without error")
    func disabledWhenUnset() throws {
        for value in [nil, ""] as [String?] {
            let socket = try NotifySocket(notifySocket: value)
            #expect(!socket.isEnabled)
            #expect(socket.address == nil)
            try socket.send(.ready, .status("x"))
            try socket.send(.watchdog)
        }
    }

    @Test("a socket file that does not exist gives a typed error with the errno text")
    func missingPath() throws {
        let socket = try NotifySocket(notifySocket: "/nonexistent/saker/notify")
        let error = try #require(throws: NotifyError.self) { try socket.send(.ready) }
        #expect(error.code == .send)
        #expect(error.errno == ENOENT)
        #expect(error.address == "/nonexistent/saker/notify")
        #expect(error.description == "NOTIFY_SOCKET=/nonexistent/saker/notify: cannot send `READY=1`: No such file or directory")
    }

    @Test("an abstract name nobody listens on gives connection refused")
    func unboundAbstract() throws {
        let socket = try NotifySocket(notifySocket: "@saker-test/nobody/\(getpid())/\(UInt32.random(in: 0...UInt32.max))")
        let error = try #require(throws: NotifyError.self) { try socket.send(.watchdog) }
        #expect(error.code == .send)
        #expect(error.errno == ECONNREFUSED)
    }

    @Test("unusable addresses are refused before any send", arguments: ["relative/notify", "@", "vsock:2:1234", "/" + String(repeating: "x", count: 107), "@" + String(repeating: "y", count: 108)])
    func invalidAddress(value: String) throws {
        let error = try #require(throws: NotifyError.self) { try NotifySocket(notifySocket: value) }
        #expect(error.code == .invalidAddress)
        #expect(error.errno == nil)
    }

    @Test("the longest addresses that fit are accepted")
    func longestAddresses() throws {
        #expect(try NotifyAddress(parsing: "/" + String(repeating: "x", count: 106)) == .path("/" + String(repeating: "x", count: 106)))
        #expect(try NotifyAddress(parsing: "@" + String(repeating: "y", count: 107)) == .abstract(String(repeating: "y", count: 107)))
    }

    @Test("a datagram longer than systemd reads is refused, not truncated")
    func tooLong() throws {
        let listener = try NotifyListener(.path)
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        let error = try #require(throws: NotifyError.self) { try socket.send(text: String(repeating: "a", count: 4097)) }
        #expect(error.code == .messageTooLong)
        #expect(listener.receive(timeout: 0.05) == nil)
    }

    @Test("a full receiver queue (EAGAIN) waits, then times out; sends resume once it drains")
    func fullQueue() throws {
        let listener = try NotifyListener(.path)
        let socket = try NotifySocket(notifySocket: listener.notifySocket, sendTimeoutMilliseconds: 50)
        var sent = 0
        var failure: NotifyError?
        while sent < 10_000 {
            do { try socket.send(.watchdog) } catch {
                failure = error
                break
            }
            sent += 1
        }
        #expect(failure?.code == .timedOut)
        #expect(sent > 0)
        for _ in 0..<sent { #expect(listener.receive(timeout: 5) == "WATCHDOG=1") }
        try socket.send(.stopping)
        #expect(listener.receive(timeout: 5) == "STOPPING=1")
    }

    @Test("the socket is created close-on-exec")
    func closeOnExec() throws {
        let listener = try NotifyListener(.path)
        let before = Set(Self.openDescriptors())
        let socket = try NotifySocket(notifySocket: listener.notifySocket)
        let created = Set(Self.openDescriptors()).subtracting(before)
        withExtendedLifetime(socket) {
            #expect(!created.isEmpty)
            for fd in created where Self.isSocket(fd) {
                #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
            }
        }
    }

    static func openDescriptors() -> [Int32] {
        guard let dir = opendir("/proc/self/fd") else { return [] }
        defer { closedir(dir) }
        var fds: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name) { fds.append(fd) }
        }
        return fds
    }

    static func isSocket(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
    }
}

/// Tests that change the process environment, one at a time.
@Suite("Environment variables", .serialized)
struct EnvironmentTests {
    @Test("NOTIFY_SOCKET is read from the environment and can be unset for children")
    func notifySocketFromEnvironment() throws {
        let listener = try NotifyListener(.abstract)
        setenv("NOTIFY_SOCKET", listener.notifySocket, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let kept = try NotifySocket.fromEnvironment()
        #expect(kept.isEnabled)
        #expect(getenv("NOTIFY_SOCKET") != nil)
        let socket = try NotifySocket.fromEnvironment(unsetEnvironment: true)
        #expect(getenv("NOTIFY_SOCKET") == nil)
        try socket.send(.ready)
        #expect(listener.receive(timeout: 5) == "READY=1")
        // Now unset: disabled.
        let disabled = try NotifySocket.fromEnvironment()
        #expect(!disabled.isEnabled)
        try disabled.send(.ready)
    }

    @Test("WATCHDOG_USEC and WATCHDOG_PID are read from the environment and can be unset")
    func watchdogFromEnvironment() throws {
        setenv("WATCHDOG_USEC", "20000000", 1)
        setenv("WATCHDOG_PID", "\(getpid())", 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        #expect(try WatchdogConfiguration.fromEnvironment() == WatchdogConfiguration(timeoutUsec: 20_000_000))
        #expect(try WatchdogConfiguration.fromEnvironment(unsetEnvironment: true)?.intervalUsec == 10_000_000)
        #expect(getenv("WATCHDOG_USEC") == nil && getenv("WATCHDOG_PID") == nil)
        #expect(try WatchdogConfiguration.fromEnvironment() == nil)
    }

    @Test("SAKER_TEST_FAULT is read from the environment; unset means no fault")
    func faultFromEnvironment() throws {
        unsetenv("SAKER_TEST_FAULT")
        #expect(try PipelineFault.fromEnvironment() == nil)
        setenv("SAKER_TEST_FAULT", "stall-evaluator:after=2", 1)
        defer { unsetenv("SAKER_TEST_FAULT") }
        #expect(try PipelineFault.fromEnvironment() == PipelineFault(stalling: .evaluator, afterUsec: 2_000_000))
    }
}
