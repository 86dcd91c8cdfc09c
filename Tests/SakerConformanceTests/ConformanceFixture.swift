import SakerCapture
import SakerEvent
import SakerJSON
import SakerRules
import SakerState

/// Where the conformance material lives, found from this file's path (no bundle, no Foundation).
enum ConformancePaths {
    /// `Tests/SakerConformanceTests`.
    static let testDirectory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast()
        return components.joined(separator: "/")
    }()

    /// `Tests/SakerConformanceTests/Fixtures/stable`.
    static let stableFixtures = testDirectory + "/Fixtures/stable"

    /// `../shared/falco-rules/falco_rules.yaml` beside the repository.
    static let stableRules: String = {
        var components = testDirectory.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/shared/falco-rules/falco_rules.yaml"
    }()
}

/// Why a conformance file could not be used; always a test failure, never a skip.
struct ConformanceError: Error, CustomStringConvertible {
    var description: String
}

/// Reads a whole text file through ``LineReader``.
func readText(_ path: String) throws -> String {
    let reader: LineReader
    do { reader = try LineReader(path: path) } catch { throw ConformanceError(description: error.description) }
    var lines: [String] = []
    while let line = reader.next() { lines.append(line) }
    return lines.joined(separator: "\n")
}

/// One upstream rule's conformance case, as `expectations.json` describes it.
struct RuleCase: Sendable, CustomStringConvertible {
    /// The rule name, exactly as in falco_rules.yaml.
    var rule: String
    /// The fixture file stem: `<slug>.fires.jsonl`, `<slug>.quiet.jsonl`.
    var slug: String
    /// The priority Falco prints (`Warning`, `Notice`…).
    var priority: String
    /// `evt.num` of the one event the rule fires on.
    var firesOn: UInt64
    /// Every field of the rule's output, as Falco's JSON alert carries it.
    var outputFields: [(String, JSONValue)]
    /// Other stable rules Falco also raises in the fires fixture (rule name and `evt.num`).
    var alsoFires: [(rule: String, event: UInt64)]
    /// What the near miss changes.
    var nearMiss: String
    /// When set: why Saker cannot raise this rule on any event it can produce. The fires fixture
    /// is still written to Falco's semantics; the test records the gap as a known issue.
    var gap: String?
    /// Output fields on which Saker is known to differ from Falco, with the reason: checked
    /// separately and recorded as known issues, so every other field stays strictly compared.
    var knownFieldDifferences: [(field: String, reason: String)]

    var description: String { rule }

    var firesPath: String { ConformancePaths.stableFixtures + "/" + slug + ".fires.jsonl" }
    var quietPath: String { ConformancePaths.stableFixtures + "/" + slug + ".quiet.jsonl" }
}

enum Expectations {
    /// Every case of `Fixtures/stable/expectations.json`; a broken file fails every test that uses it.
    static let cases: [RuleCase] = (try? load()) ?? []

    static func load() throws -> [RuleCase] {
        let path = ConformancePaths.stableFixtures + "/expectations.json"
        let value: JSONValue
        do { value = try JSONParser.parse(readText(path)) } catch let error as JSONParseError {
            throw ConformanceError(description: "\(path):\(error.description)")
        }
        guard let items = value["rules"]?.arrayValue else {
            throw ConformanceError(description: "\(path): expected {\"rules\": [...]}")
        }
        var cases: [RuleCase] = []
        for item in items {
            func string(_ key: String) throws -> String {
                guard let text = item[key]?.stringValue else {
                    throw ConformanceError(description: "\(path): a rule case lacks \"\(key)\"")
                }
                return text
            }
            guard let event = item["fires_on"]?.uint64Value, let fields = item["output_fields"]?.objectValue else {
                throw ConformanceError(description: "\(path): \(try string("rule")) lacks fires_on or output_fields")
            }
            var also: [(rule: String, event: UInt64)] = []
            for other in item["also_fires"]?.arrayValue ?? [] {
                guard let name = other["rule"]?.stringValue, let number = other["event"]?.uint64Value else {
                    throw ConformanceError(description: "\(path): bad also_fires entry in \(try string("rule"))")
                }
                also.append((name, number))
            }
            var known: [(field: String, reason: String)] = []
            for (field, reason) in item["known_field_differences"]?.objectValue ?? [] {
                known.append((field, reason.stringValue ?? ""))
            }
            cases.append(RuleCase(
                rule: try string("rule"), slug: try string("slug"), priority: try string("priority"), firesOn: event,
                outputFields: fields, alsoFires: also, nearMiss: try string("near_miss"),
                gap: item["gap"]?.stringValue, knownFieldDifferences: known))
        }
        return cases
    }
}

/// An alert raised during a replay, with the number of the event that raised it.
struct ReplayedAlert {
    var event: UInt64
    var alert: Alert
}

/// The stable rules file, compiled once, evaluating every rule on every event (so that a near
/// miss is quiet for the whole file, not just for the first rule that matches).
enum StableRules {
    static let loaded: LoadedRules = RuleLoader.load(paths: [ConformancePaths.stableRules])

    /// Users and groups of the fixtures' host (a stock Debian 12 `/etc/passwd` and `/etc/group`,
    /// plus the accounts the scenarios log in as).
    static let environment: FieldEnvironment = {
        let passwd = (try? readText(ConformancePaths.stableFixtures + "/passwd")) ?? ""
        let group = (try? readText(ConformancePaths.stableFixtures + "/group")) ?? ""
        return FieldEnvironment(hostname: "web-1", users: FieldUserDirectory(passwd: passwd, group: group))
    }()

    static let engine = RuleEngine(rules: loaded, environment: environment, matching: .all)

    /// Replays a capture through a fresh process table and the engine; returns every alert.
    static func replay(_ path: String) throws -> [ReplayedAlert] {
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch { throw ConformanceError(description: error.description) }
        guard let header = reader.next() else { throw ConformanceError(description: "\(path): empty") }
        do { _ = try CaptureFormat.parseHeader(header, file: path) } catch {
            throw ConformanceError(description: error.description)
        }
        var table = ProcessTable()
        var alerts: [ReplayedAlert] = []
        while let line = reader.next() {
            if line.isEmpty { continue }
            let event: Event
            do { event = try CaptureFormat.parseEvent(line, file: path, line: reader.lineNumber) } catch {
                throw ConformanceError(description: error.description)
            }
            let process = table.apply(event)
            for alert in engine.process(event, process: process, state: table) {
                alerts.append(ReplayedAlert(event: event.number, alert: alert))
            }
        }
        return alerts
    }
}

/// JSON equality where numbers compare by value (`.int(3)` equals `.uint(3)`).
func sameJSON(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.int, .uint), (.uint, .int), (.int, .int), (.uint, .uint):
        if let x = a.int64Value, let y = b.int64Value { return x == y }
        return a.uint64Value != nil && a.uint64Value == b.uint64Value
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { sameJSON($0, $1) }
    default:
        return a == b
    }
}

/// The differences between expected and actual output fields, one line each (empty when equal).
func fieldDifferences(expected: [(String, JSONValue)], actual: [(String, JSONValue)]) -> [String] {
    var differences: [String] = []
    let actualKeys = actual.map(\.0)
    for (key, value) in expected {
        guard let found = actual.first(where: { $0.0 == key })?.1 else {
            differences.append("\(key): missing (expected \(JSONWriter.string(value)))")
            continue
        }
        if !sameJSON(value, found) {
            differences.append("\(key): expected \(JSONWriter.string(value)), got \(JSONWriter.string(found))")
        }
    }
    for key in actualKeys where !expected.contains(where: { $0.0 == key }) {
        differences.append("\(key): unexpected field")
    }
    return differences
}
