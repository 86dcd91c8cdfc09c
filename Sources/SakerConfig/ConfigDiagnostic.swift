public import SakerYAML

/// An error or warning about the configuration, with where it is and the line it is on.
///
/// Rendered like the rules loader's diagnostics (`SakerRules.Diagnostic`), so `saker validate`
/// prints one format for both:
///
/// ```
/// /etc/saker/saker.yaml:4:13: error: json_output: expected a boolean (true or false), found a sequence
/// json_output: [yes]
///             ^
/// ```
///
/// Kept separate from `SakerRules.Diagnostic` so that the configuration module (which the agent
/// needs before anything else, including `ExecStartPre=` validation) does not pull in the rules
/// engine and its event and state modules.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        /// The configuration cannot be used.
        case error
        /// The configuration is used, but probably not as its author meant.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// The file, or `-o argument N` for a command-line override.
    public var file: String
    /// The 1-based line, or 0 when the diagnostic is about the file as a whole.
    public var line: Int
    /// The 1-based column (Unicode scalars), or 0 when the diagnostic is about the file as a whole.
    public var column: Int
    /// What is wrong, for a person.
    public var message: String
    /// The text of the line the diagnostic points at, when known.
    public var sourceLine: String?

    /// Creates a diagnostic from its parts.
    public init(
        severity: Severity = .error, file: String, line: Int, column: Int, message: String,
        sourceLine: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// Creates a diagnostic at a position, taking the source line from the position's source.
    public init(_ message: String, at position: SourcePosition, severity: Severity = .error) {
        self.init(
            severity: severity, file: position.file, line: position.line, column: position.column,
            message: message, sourceLine: position.line > 0 ? position.lineText : nil)
    }

    /// Creates a diagnostic about a whole file (no line or column).
    public init(_ message: String, file: String, severity: Severity = .error) {
        self.init(severity: severity, file: file, line: 0, column: 0, message: message)
    }

    /// Creates an error diagnostic from a YAML error (syntax, I/O or typed access).
    public init(_ error: YAMLError) {
        self.init(error.message, at: error.position)
    }

    /// The position as `file:line:column` (just `file` when there is no line).
    public var location: String { SourceSnippet.location(file: file, line: line, column: column) }

    /// The first line of ``rendered()``: `file:line:column: error: message`.
    public var description: String {
        "\(location): \(severity.rawValue): \(message)"
    }

    /// ``description``, then the source line and a caret under the column. No trailing newline.
    public func rendered() -> String {
        SourceSnippet.render(header: description, sourceLine: sourceLine, line: line, column: column)
    }

    /// Renders diagnostics one after another, each followed by a newline.
    public static func render(_ diagnostics: [ConfigDiagnostic]) -> String {
        diagnostics.map { $0.rendered() + "\n" }.joined()
    }

    /// A JSON object: `severity`, `file`, `line`, `column`, `message` and `source_line` (`null`
    /// when unknown), keys in that order.
    public var json: String {
        var out = "{\"severity\":" + YAMLText.jsonString(severity.rawValue)
        out += ",\"file\":" + YAMLText.jsonString(file)
        out += ",\"line\":\(line),\"column\":\(column),\"message\":" + YAMLText.jsonString(message)
        out += ",\"source_line\":" + (sourceLine.map(YAMLText.jsonString) ?? "null")
        return out + "}"
    }
}

/// The configuration could not be loaded; every problem found, in the order found.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The diagnostics (at least one error).
    public var diagnostics: [ConfigDiagnostic]

    /// Creates the error from diagnostics.
    public init(diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Creates the error from one diagnostic.
    public init(_ diagnostic: ConfigDiagnostic) {
        self.diagnostics = [diagnostic]
    }

    /// All diagnostics, rendered with source lines and carets.
    public var description: String { ConfigDiagnostic.render(diagnostics) }
}

/// Quoting helpers shared by rendering and diagnostics.
enum YAMLText {
    /// A double-quoted string, escaped so that both YAML and JSON read it back unchanged.
    static func jsonString(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
