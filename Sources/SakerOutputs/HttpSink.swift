import AsyncHTTPClient
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
public import SakerRules
import Synchronization

/// POSTs each alert's JSON (Falco's JSON alert, Falcosidekick's input format) to a URL, one
/// request per alert, in order, over one kept-alive connection.
///
/// Each request has a deadline (`timeout`); a request that fails (no connection, timeout, 5xx,
/// 408, 429) is retried up to `retries` times after ``HttpBackoff`` waits. When an alert still
/// fails, the rest of its batch is abandoned (the destination is down, and retrying every alert
/// would hold the queue for retries × batch) and the batch is reported failed, so the router
/// counts it. A 4xx other than 408/429 is the destination refusing that alert: it is not retried,
/// the next alert is sent, and the batch is reported failed at its end. Alerts never go out of
/// order: a later alert is sent only after the earlier one succeeded or was given up; a retry
/// may deliver an alert twice when the server got it but the answer came too late. When the
/// router stops (``beginStop()``), retries and backoff waits end: each alert still queued gets one
/// attempt, and after the first failure the rest are failed at once, so stopping is bounded.
///
/// ``deliver(_:)`` runs on the sink's own thread and waits on the request's future there, never
/// on an event loop or in an async context, so it cannot deadlock the client's event loop.
public final class HttpSink: AlertSink {
    /// What the sink was built from.
    public struct Settings: Sendable {
        /// `http://` or `https://` URL.
        public var url: String
        /// The deadline of each request, in milliseconds.
        public var timeoutMilliseconds: Int64
        /// Attempts after the first.
        public var retries: Int
        /// The waits between attempts.
        public var backoff: HttpBackoff
        /// A PEM CA bundle to trust instead of the system's; empty for the system's.
        public var caFile: String
        /// A PEM client certificate (chain); empty for none.
        public var clientCert: String
        /// The client certificate's PEM private key; required with `clientCert`.
        public var clientKey: String

        /// Creates settings.
        public init(
            url: String, timeoutMilliseconds: Int64 = 5000, retries: Int = 3, backoff: HttpBackoff = .standard,
            caFile: String = "", clientCert: String = "", clientKey: String = ""
        ) {
            self.url = url
            self.timeoutMilliseconds = timeoutMilliseconds
            self.retries = retries
            self.backoff = backoff
            self.caFile = caFile
            self.clientCert = clientCert
            self.clientKey = clientKey
        }
    }

    private let settings: Settings
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let client: HTTPClient
    /// The POST every alert is sent with, its body set per alert.
    private let request: HTTPClient.Request
    private let closed = Mutex(false)
    /// Set by ``beginStop()``: no more retries or backoff waits.
    private let stopping = Atomic(false)
    /// Set when an alert failed while stopping: the rest fail at once, without a request.
    private let givenUp = Atomic(false)

    /// Creates the client (no connection yet: the first alert opens it).
    /// - Throws: ``SinkError`` when the URL is not `http://` or `https://`, or a TLS file cannot
    ///   be read.
    public init(_ settings: Settings) throws(SinkError) {
        guard settings.url.hasPrefix("http://") || settings.url.hasPrefix("https://"),
            let request = try? HTTPClient.Request(
                url: settings.url, method: .POST, headers: ["Content-Type": "application/json", "User-Agent": "saker"])
        else { throw SinkError("outputs.http.url is not an http:// or https:// URL: \(settings.url)") }
        var tls = TLSConfiguration.makeClientConfiguration()
        if !settings.caFile.isEmpty {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(settings.caFile))
            } catch {
                throw SinkError("cannot read outputs.http.ca_file \(settings.caFile): \(error)")
            }
        }
        if !settings.clientCert.isEmpty {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(settings.clientCert).map { .certificate($0) }
            } catch {
                throw SinkError("cannot read outputs.http.client_cert \(settings.clientCert): \(error)")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: settings.clientKey, format: .pem))
            } catch {
                throw SinkError("cannot read outputs.http.client_key \(settings.clientKey): \(error)")
            }
        }
        let timeout = TimeAmount.milliseconds(settings.timeoutMilliseconds)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout),
            // One connection, kept alive between alerts; no silent reconnect loop: a refused
            // connection is a failed attempt that the sink's own backoff retries.
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        self.settings = settings
        self.request = request
        client = HTTPClient(eventLoopGroup: group, configuration: configuration)
    }

    /// POSTs each alert in order; see the type's documentation for retries and failures.
    public func deliver(_ batch: [Alert]) throws(SinkError) {
        if givenUp.load(ordering: .relaxed) {
            throw SinkError("not sent: the output is stopping and \(settings.url) was failing")
        }
        var refused: SinkError?
        var delivered = 0
        for alert in batch {
            switch send(AlertFormat.json.line(alert)) {
            case .delivered: delivered += 1
            case .refused(let error): refused = error
            case .failed(var error):
                error.delivered = delivered
                throw error
            }
        }
        if var refused {
            refused.delivered = delivered
            throw refused
        }
    }

    /// Stops retrying: each alert still queued gets one attempt, and once one fails the rest fail
    /// at once (counted), so stopping with the destination down takes at most one timeout.
    public func beginStop() {
        stopping.store(true, ordering: .relaxed)
    }

    /// Shuts the client down (closes the pooled connection).
    public func close() {
        let first = closed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        // The future `deliver` waited on completes on the connection's event loop *before* the
        // client hands the connection back to its pool, in the same run of callbacks. Shutting
        // down in between makes AsyncHTTPClient trap ("a connection that we don't know was
        // released"), so first let every loop of the group finish what it is running.
        for loop in group.makeIterator() { try? loop.submit {}.wait() }
        try? client.syncShutdown()
    }

    deinit { close() }

    private enum Outcome {
        case delivered
        /// The server refused this alert (a 4xx that a retry cannot fix).
        case refused(SinkError)
        /// Every attempt failed.
        case failed(SinkError)
    }

    private func send(_ body: [UInt8]) -> Outcome {
        var attempt = 0
        while true {
            let error: SinkError
            switch post(body) {
            case .success: return .delivered
            case .failure(let failure):
                guard failure.retryable else { return .refused(failure.error) }
                error = failure.error
            }
            attempt += 1
            if stopping.load(ordering: .relaxed) {
                givenUp.store(true, ordering: .relaxed)
                return .failed(SinkError("\(error.message) (not retried: the output is stopping)"))
            }
            guard attempt <= settings.retries else {
                let tries = settings.retries + 1
                return .failed(SinkError("\(error.message) (gave up after \(tries) attempt\(tries == 1 ? "" : "s"))"))
            }
            sleep(milliseconds: settings.backoff.delayMilliseconds(beforeRetry: attempt))
        }
    }

    private struct AttemptFailure: Error {
        var error: SinkError
        var retryable: Bool
    }

    /// One request, waited for on this (the sink's) thread.
    private func post(_ body: [UInt8]) -> Result<Void, AttemptFailure> {
        var request = self.request
        request.body = .bytes(body)
        let deadline = NIODeadline.now() + .milliseconds(settings.timeoutMilliseconds)
        let response: HTTPClient.Response
        do {
            response = try client.execute(request: request, deadline: deadline).wait()
        } catch {
            return .failure(AttemptFailure(error: SinkError("POST \(settings.url) failed: \(error)"), retryable: true))
        }
        let code = response.status.code
        if (200..<300).contains(code) { return .success(()) }
        let retryable = code >= 500 || code == 408 || code == 429
        return .failure(AttemptFailure(
            error: SinkError("POST \(settings.url) answered \(code) \(response.status.reasonPhrase)"), retryable: retryable))
    }

    /// Waits before a retry, in slices of at most 50 ms so that ``beginStop()`` cuts the wait short.
    private func sleep(milliseconds: Int64) {
        var remaining = milliseconds
        while remaining > 0, !stopping.load(ordering: .relaxed) {
            let slice = min(remaining, 50)
            var wait = timespec(tv_sec: 0, tv_nsec: Int(slice * 1_000_000))
            var left = timespec()
            while nanosleep(&wait, &left) != 0, errno == EINTR { wait = left }
            remaining -= slice
        }
    }
}
