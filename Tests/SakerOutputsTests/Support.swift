import Glibc
import SakerOutputs
import SakerRules
import Synchronization
import Testing

/// A small alert; `index` goes into the message so order can be checked.
func makeAlert(_ index: Int = 0, rule: String = "Test rule", priority: RulePriority = .warning) -> Alert {
    Alert(
        rule: rule, priority: priority, tags: ["host", "test"], time: 1_764_251_553_123_456_789,
        hostname: "box", message: "alert \(index) proc=cat",
        outputFields: [("proc.name", .string("cat")), ("proc.pid", .int(42))])
}

/// A directory of its own under /tmp, emptied and removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/saker-outputs-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        #expect(made != nil)
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Unlinks each entry of this directory (it holds only files and sockets the test made), then the directory.
    func remove() {
        guard let directory = opendir(path) else { return }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(directory)
        for name in names { unlink(file(name)) }
        rmdir(path)
    }
}

/// Microseconds on the monotonic clock.
func monotonicMicroseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
}

/// An `AF_UNIX` datagram socket bound at a path: the test's stand-in for syslog or journald.
final class DatagramReceiver {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
    }

    deinit { close(fd) }

    /// The next datagram, waiting at most `milliseconds`; nil on timeout.
    func receive(timeoutMilliseconds milliseconds: Int32 = 5_000) -> [UInt8]? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return Array(buffer[0..<count])
    }
}

/// Keeps what it is given.
final class RecordingSink: AlertSink {
    private let received = Mutex<[Alert]>([])
    var messages: [String] { received.withLock { $0.map(\.message) } }
    func deliver(_ batch: [Alert]) throws(SinkError) { received.withLock { $0.append(contentsOf: batch) } }
}

/// Sleeps for every batch: a sink slower than the producer.
struct SleepingSink: AlertSink {
    let microseconds: UInt32
    func deliver(_ batch: [Alert]) throws(SinkError) { usleep(microseconds) }
}

/// Always fails.
struct FailingSink: AlertSink {
    func deliver(_ batch: [Alert]) throws(SinkError) { throw SinkError("the collector is down", errno: ECONNREFUSED) }
}
