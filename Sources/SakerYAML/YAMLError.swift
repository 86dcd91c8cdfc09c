internal import Glibc

/// An error reading, parsing or decoding YAML, with the position of the offending text.
///
/// The message is written for a person fixing the input ("expected a string, found a sequence");
/// ``description`` prefixes it with `file:line:column`. Syntax errors keep libyaml's own
/// ``problem`` and ``context`` texts.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case io, syntax, typeMismatch, missingKey, invalidValue, alias
        }

        private let code: _Code

        private init(_ code: _Code) { self.code = code }

        /// The file could not be opened or read.
        public static let io = Code(.io)
        /// libyaml rejected the text (the input is not well-formed YAML).
        public static let syntax = Code(.syntax)
        /// A node has another kind than the one asked for (a sequence where a string was expected).
        public static let typeMismatch = Code(.typeMismatch)
        /// A required mapping key is absent.
        public static let missingKey = Code(.missingKey)
        /// A scalar has the right kind but a value that cannot be decoded (`maybe` as a boolean).
        public static let invalidValue = Code(.invalidValue)
        /// An alias names an unknown anchor, or aliases expand beyond the allowed size.
        public static let alias = Code(.alias)

        /// A short name for the code.
        public var description: String {
            switch code {
            case .io: "io"
            case .syntax: "syntax"
            case .typeMismatch: "type mismatch"
            case .missingKey: "missing key"
            case .invalidValue: "invalid value"
            case .alias: "alias"
            }
        }
    }

    /// What kind of error this is.
    public let code: Code
    /// The message, without the position.
    public let message: String
    /// Where the error is.
    public let position: SourcePosition
    /// libyaml's problem text, for syntax errors.
    public let problem: String?
    /// libyaml's context text ("while parsing a block mapping"), for syntax errors that have one.
    public let context: String?
    /// Where the context starts, for syntax errors that have one.
    public let contextPosition: SourcePosition?

    /// Creates an error.
    public init(
        code: Code, message: String, position: SourcePosition,
        problem: String? = nil, context: String? = nil, contextPosition: SourcePosition? = nil
    ) {
        self.code = code
        self.message = message
        self.position = position
        self.problem = problem
        self.context = context
        self.contextPosition = contextPosition
    }

    /// `file:line:column: message`.
    public var description: String { "\(position): \(message)" }

    /// An I/O error about a path, with the system's text for an `errno` value
    /// ("cannot open 'x.yaml': No such file or directory").
    public static func io(path: String, operation: String, errno code: Int32) -> YAMLError {
        let reason = String(cString: strerror(code))
        return YAMLError(
            code: .io, message: "cannot \(operation) '\(path)': \(reason)",
            position: SourcePosition(file: path, line: 0, column: 0))
    }
}
