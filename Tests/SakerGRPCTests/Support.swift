import GRPCCore
import GRPCNIOTransportHTTP2
import Glibc
import SakerGRPC
import SakerRules
import Testing
import SakerTestSupport

/// A small alert; `index` goes into the message so order can be checked.
func makeAlert(_ index: Int, source: String = "syscall") -> Alert {
    Alert(
        rule: "Read sensitive file untrusted", priority: .warning, source: source,
        tags: ["filesystem", "mitre_credential_access"], time: 1_764_251_553_123_456_789 + UInt64(index),
        hostname: "web-1", message: "alert \(index) file=/etc/shadow",
        outputFields: [("fd.name", .string("/etc/shadow")), ("proc.pid", .int(42)), ("proc.aname[2]", nil)])
}

/// A socket path of its own under /tmp.
func temporarySocketPath(_ name: String) -> String {
    "/tmp/saker-grpc-test-\(getpid())-\(name)/saker.sock"
}

/// Removes the socket and its directory.
func removeSocket(_ path: String) {
    unlink(path)
    if let slash = path.lastIndex(of: "/") { rmdir(String(path[..<slash])) }
}

/// The group the tests give the socket: `saker`, created (as a system group) when missing,
/// as CI runs as root.
func sakerGroupID() throws -> gid_t {
    if let entry = getgrnam("saker") { return entry.pointee.gr_gid }
    try ChildProcess("/usr/sbin/groupadd", ["--system", "saker"]).wait()
    let entry = try #require(getgrnam("saker"), "groupadd --system saker did not create the group")
    return entry.pointee.gr_gid
}

/// The binary under test (`make test` sets SAKER_BIN) and a new temporary directory for one
/// live test.
func liveTestSetup() throws -> (binary: String, directory: String) {
    let binary = try #require(getenv("SAKER_BIN").map { String(cString: $0) }, "SAKER_BIN is not set: run the live tests through `make test`")
    var template = Array("/tmp/saker-grpc-live-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return (binary, String(cString: try #require(made)))
}

/// Runs `body` with a Falco outputs client connected to the unix socket at `path`.
func withOutputsClient<Result: Sendable>(
    _ path: String, _ body: @Sendable (Falco_Outputs_service.Client<HTTP2ClientTransport.Posix>) async throws -> Result
) async throws -> Result {
    try await withGRPCClient(
        transport: .http2NIOPosix(target: .unixDomainSocket(path: path), transportSecurity: .plaintext)
    ) { client in
        try await body(Falco_Outputs_service.Client(wrapping: client))
    }
}

/// Subscribes with `sub`, calls `whileSubscribed` once the sink has the subscriber, and returns
/// the first `count` alerts streamed.
func subscribe(
    to sink: GrpcSink, at path: String, count: Int, whileSubscribed: @escaping @Sendable () -> Void
) async throws -> [Falco_Outputs_response] {
    try await withOutputsClient(path) { outputs in
        try await withThrowingTaskGroup(of: [Falco_Outputs_response].self) { group in
            group.addTask {
                try await outputs.sub(requestProducer: { writer in try await writer.write(Falco_Outputs_request()) }) { response in
                    var received: [Falco_Outputs_response] = []
                    for try await message in response.messages {
                        received.append(message)
                        if received.count == count { break }
                    }
                    return received
                }
            }
            let subscribed = await eventually(within: 10) { sink.statistics.subscribers == 1 }
            try #require(subscribed, "the subscriber never reached the sink")
            whileSubscribed()
            let received = try await group.next() ?? []
            group.cancelAll()
            return received
        }
    }
}
