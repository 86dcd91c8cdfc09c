public import SakerEvent
public import SakerJSON

/// The JSON-lines capture format (documented in docs/capture-format.md).
///
/// Line 1 is a header object `{"saker.capture": {...}}`; every other line is one ``Event``:
/// `evt.num`, `evt.time` (ns since the epoch), `evt.type`, `evt.cpu`, `thread.tid`, `proc.pid`,
/// `proc.name` (informative: replay rebuilds it from state) and `evt.args`, the parameters by
/// Falco's names, typed as ``EventSchema`` says.
public enum CaptureFormat {
    /// The format version this build writes and reads.
    public static let version = 1

    /// The header of a capture.
    public struct Header: Sendable, Equatable {
        /// Format version.
        public var version: Int
        /// The host the events come from.
        public var hostname: String
        /// When capture started, ns since the epoch.
        public var startTime: UInt64
        /// `uname -r` of the capturing kernel.
        public var kernel: String

        /// Creates a header.
        public init(version: Int = CaptureFormat.version, hostname: String, startTime: UInt64, kernel: String) {
            self.version = version
            self.hostname = hostname
            self.startTime = startTime
            self.kernel = kernel
        }

        /// The header as its JSON line (without the newline).
        public var line: String {
            JSONWriter.string(.object([("saker.capture", .object([
                ("version", .int(Int64(version))), ("hostname", .string(hostname)),
                ("start", .uint(startTime)), ("kernel", .string(kernel)),
            ]))]))
        }
    }

    /// Appends `event` as one JSON line (with its newline) to `writer`.
    public static func write(_ event: Event, processName: String?, to writer: inout JSONWriter) {
        var pairs: [(String, JSONValue)] = [
            ("evt.num", .uint(event.number)), ("evt.time", .uint(event.timestamp)),
            ("evt.type", .string(event.type.name)), ("evt.cpu", .uint(UInt64(event.cpu))),
            ("thread.tid", .int(event.tid)), ("proc.pid", .int(event.pid)),
        ]
        pairs.append(("proc.name", processName.map { .string($0) } ?? .null))
        pairs.append(("evt.args", .object(event.params.map { ($0.name, json($0.value)) })))
        writer.write(.object(pairs))
        writer.append(0x0A)
    }

    /// One parameter value as JSON.
    public static func json(_ value: ParamValue) -> JSONValue {
        switch value {
        case .int(let v), .errno(let v), .fd(let v), .pid(let v): return .int(v)
        case .uint(let v): return .uint(v)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(hex(b))
        case .strings(let list): return .array(list.map { .string($0) })
        case .flags(let v, let table): return .string(table.render(v))
        case .mode(let m): return .string(m == 0 ? "0" : "0" + String(m, radix: 8))
        case .address(let a): return .string(addressText(a))
        case .tuple(let t): return .string(tupleText(t))
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func addressText(_ address: SocketAddress) -> String {
        switch address {
        case .inet: return address.description
        case .unix(let path): return "unix:" + path
        case .other(let family): return "family:\(family.rawValue)"
        }
    }

    static func tupleText(_ tuple: SocketTuple) -> String {
        if case .unix(let path) = tuple.server { return "unix:" + path }
        return addressText(tuple.client) + "->" + addressText(tuple.server)
    }

    /// Why a capture line could not be read.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file, as given.
        public var file: String
        /// 1-based line number.
        public var line: Int
        /// 1-based column, when known.
        public var column: Int?
        /// What was wrong.
        public var message: String

        public var description: String {
            if let column { return "\(file):\(line):\(column): error: \(message)" }
            return "\(file):\(line): error: \(message)"
        }
    }

    /// Parses the header line.
    public static func parseHeader(_ text: String, file: String) throws(ReadError) -> Header {
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw ReadError(file: file, line: 1, column: error.column, message: "the header is not valid JSON: \(error.message)")
        }
        guard let header = value["saker.capture"] else {
            throw ReadError(file: file, line: 1, column: 1, message: "not a Saker capture: the first line must be the {\"saker.capture\": …} header")
        }
        guard let version = header["version"]?.int64Value else {
            throw ReadError(file: file, line: 1, column: nil, message: "the header has no version")
        }
        guard version == Int64(CaptureFormat.version) else {
            throw ReadError(file: file, line: 1, column: nil, message: "capture format version \(version) is not supported (this build reads version \(CaptureFormat.version))")
        }
        return Header(
            version: Int(version), hostname: header["hostname"]?.stringValue ?? "",
            startTime: header["start"]?.uint64Value ?? 0, kernel: header["kernel"]?.stringValue ?? "")
    }

    /// Parses one event line.
    public static func parseEvent(_ text: String, file: String, line: Int) throws(ReadError) -> Event {
        func fail(_ message: String) -> ReadError { ReadError(file: file, line: line, column: nil, message: message) }
        let value: JSONValue
        do { value = try JSONParser.parse(text) } catch {
            throw ReadError(file: file, line: line, column: error.column, message: "invalid JSON: \(error.message)")
        }
        guard case .object = value else { throw fail("expected a JSON object, found \(value.kindName)") }
        guard let typeName = value["evt.type"]?.stringValue else { throw fail("missing \"evt.type\"") }
        guard let type = EventType(name: typeName) else { throw fail("unknown event type \"\(typeName)\"") }
        guard let tid = value["thread.tid"]?.int64Value ?? value["proc.pid"]?.int64Value else {
            throw fail("missing \"thread.tid\"")
        }
        guard let pid = value["proc.pid"]?.int64Value else { throw fail("missing \"proc.pid\"") }
        guard let time = value["evt.time"]?.uint64Value else { throw fail("missing or negative \"evt.time\"") }
        var event = Event(
            number: value["evt.num"]?.uint64Value ?? 0, timestamp: time, type: type,
            cpu: UInt16(truncatingIfNeeded: value["evt.cpu"]?.uint64Value ?? 0), tid: tid, pid: pid)
        if let args = value["evt.args"] {
            guard let pairs = args.objectValue else { throw fail("\"evt.args\" must be an object, found \(args.kindName)") }
            let schema = EventSchema.params(of: type)
            for (name, json) in pairs {
                let kind = schema.first(where: { $0.name == name })?.kind ?? inferKind(json)
                guard let param = paramValue(json, kind: kind) else {
                    throw fail("argument \"\(name)\" of \(typeName): expected \(describe(kind)), found \(json.kindName)")
                }
                event.params.append(EventParam(name, param))
            }
        }
        return event
    }

    static func inferKind(_ json: JSONValue) -> ParamKind {
        switch json {
        case .int: return .int
        case .uint: return .uint
        case .array: return .strings
        default: return .string
        }
    }

    static func describe(_ kind: ParamKind) -> String {
        switch kind {
        case .int, .errno, .fd, .pid: return "an integer"
        case .uint: return "a non-negative integer"
        case .string: return "a string"
        case .bytes: return "a hex string"
        case .strings: return "an array of strings"
        case .mode: return "an octal mode string or a number"
        case .address: return "an address string"
        case .tuple: return "a tuple string"
        case .flags(let table): return "flag names of \(table) or a number"
        }
    }

    static func paramValue(_ json: JSONValue, kind: ParamKind) -> ParamValue? {
        switch kind {
        case .int: return json.int64Value.map { .int($0) }
        case .errno: return json.int64Value.map { .errno($0) } ?? json.stringValue.flatMap { Errno.value(named: $0) }.map { .errno(-$0) }
        case .fd: return json.int64Value.map { .fd($0) }
        case .pid: return json.int64Value.map { .pid($0) }
        case .uint: return json.uint64Value.map { .uint($0) }
        case .string: return json.stringValue.map { .string($0) }
        case .bytes: return json.stringValue.flatMap(unhex).map { .bytes($0) }
        case .strings:
            guard let items = json.arrayValue else { return nil }
            var list: [String] = []
            for item in items {
                guard let s = item.stringValue else { return nil }
                list.append(s)
            }
            return .strings(list)
        case .mode:
            if let n = json.uint64Value { return .mode(UInt32(truncatingIfNeeded: n)) }
            return json.stringValue.flatMap { UInt32($0, radix: 8) }.map { .mode($0) }
        case .flags(let table):
            if let n = json.uint64Value { return .flags(n, table) }
            return json.stringValue.flatMap { table.parse($0) }.map { .flags($0, table) }
        case .address: return json.stringValue.flatMap(parseAddress).map { .address($0) }
        case .tuple: return json.stringValue.flatMap(parseTuple).map { .tuple($0) }
        }
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = hexDigit(chars[i]), let lo = hexDigit(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Parses `1.2.3.4:80`, `[::1]:80`, `unix:/path` or `family:N`.
    public static func parseAddress(_ text: String) -> SocketAddress? {
        if text.hasPrefix("unix:") { return .unix(String(text.dropFirst(5))) }
        if text.hasPrefix("family:"), let n = UInt16(text.dropFirst(7)) { return .other(AddressFamily(rawValue: n)) }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()), let ip = IPAddress(host) else { return nil }
            return .inet(ip, port: port)
        }
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]),
              let ip = IPAddress(text[..<colon]) else { return nil }
        return .inet(ip, port: port)
    }

    /// Parses `client->server` or `unix:/path`.
    public static func parseTuple(_ text: String) -> SocketTuple? {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            return SocketTuple(client: .unix(path), server: .unix(path))
        }
        guard let arrow = text.firstRange(of: "->") else { return nil }
        guard let client = parseAddress(String(text[..<arrow.lowerBound])),
              let server = parseAddress(String(text[arrow.upperBound...])) else { return nil }
        return SocketTuple(client: client, server: server)
    }
}
