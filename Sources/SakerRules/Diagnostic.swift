public import SakerYAML

/// An error or warning about an input file, with where it is and the line it is on.
///
/// `saker validate` prints these with ``rendered()``:
///
/// ```
/// rules.yaml:12:5: error: rule 'Shell in container': missing required key 'output'
///     - rule: Shell in container
///       ^
/// ```
///
/// and with ``json`` for `--json`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// The input cannot be used.
        case error
        /// The input is used, but probably not as its author meant.
        case warning

        /// Errors sort before warnings.
        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// A machine-readable kind. The values Falco defines keep Falco's names
    /// (`falco::load_result` error and warning codes), so tools that know Falco's codes read Saker's.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name, e.g. `LOAD_ERR_YAML_VALIDATE`.
        public let rawValue: String

        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The name.
        public var description: String { rawValue }

        /// A file could not be read.
        public static let fileRead = Code(rawValue: "LOAD_ERR_FILE_READ")
        /// The content is not valid YAML.
        public static let yamlParse = Code(rawValue: "LOAD_ERR_YAML_PARSE")
        /// The YAML is valid but its structure is wrong (missing keys, wrong types…).
        public static let yamlValidate = Code(rawValue: "LOAD_ERR_YAML_VALIDATE")
        /// A condition cannot be compiled.
        public static let compileCondition = Code(rawValue: "LOAD_ERR_COMPILE_CONDITION")
        /// An output format cannot be compiled.
        public static let compileOutput = Code(rawValue: "LOAD_ERR_COMPILE_OUTPUT")
        /// A list, macro, rule or exception is wrong (append to nothing, version mismatch…).
        public static let validate = Code(rawValue: "LOAD_ERR_VALIDATE")

        /// A rule's source is not loaded; the rule is skipped.
        public static let unknownSource = Code(rawValue: "LOAD_UNKNOWN_SOURCE")
        /// A condition compares a field with `<NA>`.
        public static let unsafeNACheck = Code(rawValue: "LOAD_UNSAFE_NA_CHECK")
        /// A condition does not restrict `evt.type`.
        public static let noEventType = Code(rawValue: "LOAD_NO_EVTTYPE")
        /// An unknown field, skipped because of `skip-if-unknown-filter`.
        public static let unknownFilter = Code(rawValue: "LOAD_UNKNOWN_FILTER")
        /// A macro nothing refers to.
        public static let unusedMacro = Code(rawValue: "LOAD_UNUSED_MACRO")
        /// A list nothing refers to.
        public static let unusedList = Code(rawValue: "LOAD_UNUSED_LIST")
        /// A top-level item that is none of list, macro, rule or requirement.
        public static let unknownItem = Code(rawValue: "LOAD_UNKNOWN_ITEM")
        /// A deprecated construct (`append: true`, a standalone `enabled`).
        public static let deprecatedItem = Code(rawValue: "LOAD_DEPRECATED_ITEM")
        /// An appended or overriding exception without values.
        public static let appendNoValues = Code(rawValue: "LOAD_APPEND_NO_VALUES")
        /// Two exceptions with the same name in one item.
        public static let exceptionNameNotUnique = Code(rawValue: "LOAD_EXCEPTION_NAME_NOT_UNIQUE")
        /// A macro name the filter grammar cannot refer to.
        public static let invalidMacroName = Code(rawValue: "LOAD_INVALID_MACRO_NAME")
        /// A list name the filter grammar cannot refer to.
        public static let invalidListName = Code(rawValue: "LOAD_INVALID_LIST_NAME")
        /// A condition that compiles, with a warning.
        public static let compileConditionWarning = Code(rawValue: "LOAD_COMPILE_CONDITION")
        /// A key an item does not have; it is ignored.
        public static let unknownKey = Code(rawValue: "LOAD_UNKNOWN_KEY")
    }

    /// Error or warning.
    public var severity: Severity
    /// The machine-readable kind.
    public var code: Code
    /// The file (or content name).
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
        severity: Severity, code: Code, file: String, line: Int, column: Int, message: String,
        sourceLine: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// Creates a diagnostic at a position, taking the source line from the position's source.
    public init(_ severity: Severity, _ code: Code, _ message: String, at position: SourcePosition) {
        self.init(
            severity: severity, code: code, file: position.file, line: position.line,
            column: position.column, message: message,
            sourceLine: position.line > 0 ? position.lineText : nil)
    }

    /// Creates an error diagnostic from a YAML error (syntax, I/O or typed access).
    public init(_ error: YAMLError, code: Code? = nil) {
        let resolved: Code
        if let code {
            resolved = code
        } else if error.code == .io {
            resolved = .fileRead
        } else if error.code == .syntax || error.code == .alias {
            resolved = .yamlParse
        } else {
            resolved = .yamlValidate
        }
        self.init(.error, resolved, error.message, at: error.position)
    }

    /// The position as `file:line:column` (just `file` when there is no line).
    public var location: String { SourceSnippet.location(file: file, line: line, column: column) }

    /// The first line of ``rendered()``.
    public var description: String {
        "\(location): \(severity.rawValue): \(message)"
    }

    /// `file:line:column: error: message`, then the source line and a caret under the column.
    ///
    /// Tabs before the column are kept in the caret line so the caret lines up in a terminal.
    /// Without a known source line, only the first line is produced. No trailing newline.
    public func rendered() -> String {
        SourceSnippet.render(header: description, sourceLine: sourceLine, line: line, column: column)
    }

    /// Renders diagnostics one after another, each followed by a newline.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        var result = ""
        for diagnostic in diagnostics {
            result += diagnostic.rendered()
            result += "\n"
        }
        return result
    }

    /// A JSON object: `severity`, `code`, `file`, `line`, `column`, `message` and `source_line`
    /// (`null` when unknown), keys in that order.
    public var json: String {
        var out = "{\"severity\":"
        Self.appendJSONString(severity.rawValue, to: &out)
        out += ",\"code\":"
        Self.appendJSONString(code.rawValue, to: &out)
        out += ",\"file\":"
        Self.appendJSONString(file, to: &out)
        out += ",\"line\":\(line),\"column\":\(column),\"message\":"
        Self.appendJSONString(message, to: &out)
        out += ",\"source_line\":"
        if let sourceLine {
            Self.appendJSONString(sourceLine, to: &out)
        } else {
            out += "null"
        }
        out += "}"
        return out
    }

    /// A JSON array of ``json`` objects.
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        "[" + diagnostics.map(\.json).joined(separator: ",") + "]"
    }

    private static func appendJSONString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
