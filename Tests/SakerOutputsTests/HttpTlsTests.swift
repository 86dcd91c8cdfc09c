import Glibc
import NIOSSL
import SakerOutputs
import SakerRules
import Testing
import SakerTestSupport

/// Runs `/bin/sh -c script` to its end; its exit status (-1 when it cannot start).
private func runShell(_ script: String, log: String) -> Int32 {
    guard let shell = try? ChildProcess("/bin/sh", ["-c", script], stdout: log, stderr: nil, append: true) else { return -1 }
    return shell.wait(timeout: 120)
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI.
private struct TestPKI {
    let directory: TemporaryDirectory
    var caCert: String { directory.file("ca.crt") }
    var serverCert: String { directory.file("server.crt") }
    var serverKey: String { directory.file("server.key") }
    var clientCert: String { directory.file("client.crt") }
    var clientKey: String { directory.file("client.key") }

    init() throws {
        directory = TemporaryDirectory()
        let script = """
            set -e
            cd '\(directory.path)'
            key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
            key ca.key
            openssl req -x509 -new -key ca.key -subj /CN=saker-test-ca -days 2 -out ca.crt
            key server.key
            openssl req -new -key server.key -subj /CN=localhost -out server.csr
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt
            key client.key
            openssl req -new -key client.key -subj /CN=saker-agent -out client.csr
            printf 'extendedKeyUsage=clientAuth\\n' > client.ext
            openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt
            """
        let status = runShell(script, log: directory.file("openssl.log"))
        try #require(status == 0, "openssl failed (\(status)): \(readText(directory.file("openssl.log")))")
    }

    /// TLS for the test server: its certificate, and client certificates required and checked
    /// against the CA.
    func serverTLS() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(serverCert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: serverKey, format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caCert))
        tls.certificateVerification = .noHostnameVerification
        return tls
    }
}

@Suite(.serialized) struct HttpTlsTests {
    @Test func aServerRequiringClientCertificatesGetsAlertsOverTLS() throws {
        let pki = try TestPKI()
        defer { pki.directory.remove() }
        let server = try HttpTestServer(tls: try pki.serverTLS())
        defer { try? server.shutdown() }
        let sink = try HttpSink(.init(
            url: server.url, caFile: pki.caCert, clientCert: pki.clientCert, clientKey: pki.clientKey))
        let router = try OutputRouter(outputs: [.init(name: "http", sink: sink)], queueCapacity: 100)
        for index in 0..<20 { router.route(makeAlert(index)) }
        router.shutdown()
        #expect(router.counters == [OutputCounters(name: "http", delivered: 20)])
        #expect(server.bodies == (0..<20).map { makeAlert($0).json })
        #expect(server.connections == 1)
    }

    @Test func withoutAClientCertificateTheHandshakeFailsAndIsCounted() throws {
        let pki = try TestPKI()
        defer { pki.directory.remove() }
        let server = try HttpTestServer(tls: try pki.serverTLS())
        defer { try? server.shutdown() }
        let sink = try HttpSink(.init(
            url: server.url, retries: 0, caFile: pki.caCert))
        let router = try OutputRouter(outputs: [.init(name: "http", sink: sink)], queueCapacity: 100)
        for index in 0..<3 { router.route(makeAlert(index)) }
        router.shutdown()
        let counters = router.counters[0]
        #expect(counters.delivered == 0)
        #expect(counters.failed == 3)
        #expect(!counters.healthy)
        #expect(server.bodies.isEmpty)
    }

    @Test func withoutTheCAFileTheServerIsNotTrusted() throws {
        let pki = try TestPKI()
        defer { pki.directory.remove() }
        let server = try HttpTestServer(tls: try pki.serverTLS())
        defer { try? server.shutdown() }
        let sink = try HttpSink(.init(url: server.url, retries: 0, clientCert: pki.clientCert, clientKey: pki.clientKey))
        defer { sink.close() }
        #expect(throws: SinkError.self) { try sink.deliver([makeAlert(1)]) }
        #expect(server.bodies.isEmpty)
    }

    @Test func anUnreadableCAFileIsReportedWithItsPath() {
        do {
            _ = try HttpSink(.init(url: "https://127.0.0.1:1/", caFile: "/nonexistent/ca.pem"))
            Issue.record("accepted a missing CA file")
        } catch {
            #expect(error.message.hasPrefix("cannot read outputs.http.ca_file /nonexistent/ca.pem"))
        }
    }
}
