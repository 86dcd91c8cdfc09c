/// A condition that libs' filter grammar rejects.
///
/// ``message`` is libs' own wording (what Falco prints for the same condition), and ``position``
/// is where libs' parser stood when it gave up: add it to the condition's place in the rules file
/// with a ``FilterSourceMap`` to get `file:line:column`.
public struct FilterParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake it is.
    public var code: Code
    /// What was expected, in libs' words.
    public var message: String
    /// Where the parser stood in the condition text.
    public var position: FilterPosition

    /// Creates an error.
    public init(_ code: Code, _ message: String, at position: FilterPosition) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// `line:column: message`.
    public var description: String { "\(position): \(message)" }

    /// The kinds of parse errors.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum _Code: String, Sendable, Hashable {
            case emptyInput
            case trailingInput
            case expectedBlankOrParenthesis
            case expectedClosingParenthesis
            case expectedCheck
            case expectedFieldArgument
            case expectedClosingBracket
            case expectedOperator
            case expectedValue
            case expectedField
            case expectedTransformerArgument
            case invalidEscape
            case tooDeep
        }

        private let code: _Code
        private init(_ code: _Code) { self.code = code }

        /// The condition is empty.
        public static let emptyInput = Code(.emptyInput)
        /// A valid expression is followed by something other than `and`/`or`.
        public static let trailingInput = Code(.trailingInput)
        /// `and`/`or` is followed by neither a blank nor `(`.
        public static let expectedBlankOrParenthesis = Code(.expectedBlankOrParenthesis)
        /// A `(` is not closed.
        public static let expectedClosingParenthesis = Code(.expectedClosingParenthesis)
        /// Neither `(`, a field check, nor a macro name where a check belongs.
        public static let expectedCheck = Code(.expectedCheck)
        /// `field[` is not followed by a valid argument.
        public static let expectedFieldArgument = Code(.expectedFieldArgument)
        /// A field argument is not closed by `]`.
        public static let expectedClosingBracket = Code(.expectedClosingBracket)
        /// A field is not followed by a known operator.
        public static let expectedOperator = Code(.expectedOperator)
        /// An operator is not followed by the value it takes.
        public static let expectedValue = Code(.expectedValue)
        /// `val(` is not followed by a field.
        public static let expectedField = Code(.expectedField)
        /// A transformer argument is neither a field, a transformer, a quoted string, a number nor a list.
        public static let expectedTransformerArgument = Code(.expectedTransformerArgument)
        /// A quoted string uses an escape libs does not support.
        public static let invalidEscape = Code(.invalidEscape)
        /// The condition nests deeper than the parser's limit.
        public static let tooDeep = Code(.tooDeep)

        /// The code's name.
        public var description: String { code.rawValue }
    }
}
