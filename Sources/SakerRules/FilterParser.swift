/// The parser of Falco filter conditions: the grammar of libs'
/// `userspace/libsinsp/filter/parser.h` (multi-argument transformer version), ported function by
/// function from `parser.cpp` so that it accepts and rejects exactly what libs does, records the
/// same node positions, and fails at the same place with the same message.
///
/// ```
/// Expr                  ::= OrExpr
/// OrExpr                ::= AndExpr ('or' OrExprTail)*
/// OrExprTail            ::= ' ' AndExpr | '(' Expr ')'
/// AndExpr               ::= NotExpr ('and' AndExprTail)*
/// AndExprTail           ::= ' ' NotExpr | '(' Expr ')'
/// NotExpr               ::= ('not ')* NotExprTail
/// NotExprTail           ::= 'not(' Expr ')' | Check
/// Check                 ::= Field Condition | FieldTransformer Condition | Identifier | '(' Expr ')'
/// FieldTransformer      ::= FieldTransformerType FieldTransformerArg (',' FieldTransformerArg)* ')'
/// FieldTransformerArg   ::= FieldTransformer | Field | QuotedStr | NumValue | TransformerList
/// TransformerList       ::= '(' (ListArg (',' ListArg)*)? ')'      ListArg ::= Field | FieldTransformer | QuotedStr | NumValue
/// FieldTransformerOrVal ::= FieldTransformer | 'val(' Field ')'
/// Condition             ::= 'exists'
///                         | NumOperator (NumValue | FieldTransformerOrVal)
///                         | StrOperator (StrValue | FieldTransformerOrVal)
///                         | StrOperator ListModifier '(' (StrValue (',' StrValue)*)? ')'
///                         | ListOperator (ListValue | FieldTransformerOrVal)
/// ListValue             ::= '(' (StrValue (',' StrValue)*)? ')' | Identifier
/// Field                 ::= FieldName ('[' (QuotedStr | FieldArgBareStr) ']')?
/// NumValue              ::= HexNumber | Number
/// StrValue              ::= QuotedStr | BareStr
/// NumOperator           ::= '<=' | '<' | '>=' | '>'
/// StrOperator           ::= '==' | '=' | '!=' | 'glob ' | 'iglob ' | 'contains ' | 'icontains '
///                         | 'bcontains ' | 'startswith ' | 'bstartswith ' | 'endswith ' | 'regex '
/// ListOperator          ::= 'intersects' | 'in' | 'pmatch'
/// ListModifier          ::= 'oneof' | 'anyof' | 'allof'
/// FieldTransformerType  ::= 'tolower(' | 'toupper(' | 'b64(' | 'basename(' | 'len(' | 'join(' | 'concat(' | 'getopt('
/// ```
/// Tokens are described on ``FilterLexer``.
///
/// Where Saker departs from libs, on purpose:
/// - libs' recursion guard never fires (its `depth_guard` is a temporary destroyed at once), so a
///   deeply nested condition overflows libs' stack; here the limit holds, at Falco's setting (1000).
/// - The list modifiers (libs#2984, Falco 0.44) follow libs' modifier tests and Falco's
///   documentation (`field op modifier (a, b)`, string operators only), not a line-by-line port:
///   that revision of `parser.cpp` was not available. They are recognised only when
///   `oneof`/`anyof`/`allof` is followed by `(`, so every condition that parsed before the
///   modifiers existed still parses the same way.
/// - Items of a transformer list carry their own position; libs gives them the list's.
public struct FilterParser: Sendable {
    /// How deep conditions may nest, counted as libs counts recursion (about five per
    /// parenthesis). Falco configures libs' parser with 1000.
    public var maxDepth: Int

    /// Creates a parser.
    public init(maxDepth: Int = 1000) {
        self.maxDepth = maxDepth
    }

    /// Parses a whole condition.
    ///
    /// - Throws: ``FilterParseError`` with libs' message and the position where parsing stopped.
    public func parse(_ condition: String) throws(FilterParseError) -> FilterExpression {
        var state = State(condition, maxDepth: maxDepth)
        return try state.parse()
    }

    /// Parses a condition with ``FilterParser/init(maxDepth:)``'s defaults.
    public static func parse(_ condition: String) throws(FilterParseError) -> FilterExpression {
        try FilterParser().parse(condition)
    }

    /// The recursive-descent state: one method per libs `parse_*` method.
    private struct State {
        var lexer: FilterLexer
        let maxDepth: Int
        var depth = 0

        init(_ condition: String, maxDepth: Int) {
            lexer = FilterLexer(condition)
            self.maxDepth = maxDepth
        }

        private var position: FilterPosition { lexer.position }

        private func error(_ code: FilterParseError.Code, _ message: String) -> FilterParseError {
            FilterParseError(code, message, at: lexer.position)
        }

        /// Counts one level of recursion; pair with `defer { leave() }` once it succeeded.
        private mutating func enter() throws(FilterParseError) {
            if depth + 1 >= maxDepth {
                throw error(.tooDeep, "exceeded max depth limit of \(maxDepth)")
            }
            depth += 1
        }

        private mutating func leave() { depth -= 1 }

        mutating func parse() throws(FilterParseError) -> FilterExpression {
            if lexer.input.isEmpty {
                throw error(.emptyInput, "filter input string is empty")
            }
            let result = try parseOr()
            if !lexer.isAtEnd {
                throw error(.trailingInput, "unexpected token after '\(lexer.lastToken)', expecting 'or', 'and'")
            }
            return result
        }

        // MARK: Boolean structure

        private mutating func parseOr() throws(FilterParseError) -> FilterExpression {
            try parseJunction(or: true)
        }

        private mutating func parseAnd() throws(FilterParseError) -> FilterExpression {
            try parseJunction(or: false)
        }

        /// `or`-joined `and` terms, or `and`-joined `not` terms: libs' `parse_or` and `parse_and`,
        /// which differ only in the keyword and the level below.
        private mutating func parseJunction(or isOr: Bool) throws(FilterParseError) -> FilterExpression {
            try enter()
            defer { leave() }
            let start = position
            let keyword: StaticString = isOr ? "or" : "and"
            func operand(_ parser: inout State) throws(FilterParseError) -> FilterExpression {
                isOr ? try parser.parseAnd() : try parser.parseNot()
            }
            var children: [FilterExpression] = []
            lexer.lexBlank()
            children.append(try operand(&self))
            lexer.lexBlank()
            while lexer.lexLiteral(keyword) {
                if lexer.lexBlank() {
                    children.append(try operand(&self))
                } else if lexer.lexLiteral("(") {
                    children.append(try parseEmbeddedRemainder())
                } else {
                    throw error(.expectedBlankOrParenthesis, "expected blank or '(' after '\(keyword)'")
                }
                lexer.lexBlank()
            }
            guard children.count > 1 else { return children[0] }
            return isOr ? .or(children, at: start) : .and(children, at: start)
        }

        private mutating func parseNot() throws(FilterParseError) -> FilterExpression {
            try enter()
            defer { leave() }
            let start = position
            var negated = false
            lexer.lexBlank()
            while lexer.lexNotBlank() {
                negated.toggle()
            }
            let child: FilterExpression
            if lexer.lexLiteral("not(") {
                negated.toggle()
                child = try parseEmbeddedRemainder()
            } else {
                child = try parseCheck()
            }
            return negated ? .not(child, at: start) : child
        }

        /// The rest of a parenthesised expression, after its `(`.
        private mutating func parseEmbeddedRemainder() throws(FilterParseError) -> FilterExpression {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            let child = try parseOr()
            lexer.lexBlank()
            if !lexer.lexLiteral(")") {
                throw error(.expectedClosingParenthesis, "expected a ')' token")
            }
            return child
        }

        // MARK: Checks

        private mutating func parseCheck() throws(FilterParseError) -> FilterExpression {
            try enter()
            defer { leave() }
            let start = position
            lexer.lexBlank()
            if lexer.lexLiteral("(") {
                return try parseEmbeddedRemainder()
            }
            if lexer.lexFieldName() {
                let field = try parseFieldRemainder(name: lexer.lastToken, at: start)
                return try parseCondition(.field(field), at: start)
            }
            if let kind = lexer.lexTransformerType() {
                lexer.lexBlank()
                let transformer = try parseTransformerRemainder(kind, at: start)
                return try parseCondition(.transformer(transformer), at: start)
            }
            if lexer.lexIdentifier() {
                return .macro(FilterMacroReference(name: lexer.lastToken, position: start))
            }
            throw error(.expectedCheck, "expected a '(' token, a field check, or an identifier")
        }

        /// An optional `[argument]` right after a field name.
        private mutating func parseFieldRemainder(name: String, at start: FilterPosition) throws(FilterParseError)
            -> FilterField
        {
            try enter()
            defer { leave() }
            var argument: String?
            if lexer.lexLiteral("[") {
                guard try lexer.lexQuotedString() || lexer.lexFieldArgumentBareString() else {
                    throw error(
                        .expectedFieldArgument, "expected a valid field argument: a quoted string or a bare string")
                }
                argument = lexer.lastToken
                if !lexer.lexLiteral("]") {
                    throw error(.expectedClosingBracket, "expected a ']' token")
                }
            }
            return FilterField(name: name, argument: argument, position: start)
        }

        /// The arguments and `)` of a transformer, after its `name(`.
        private mutating func parseTransformerRemainder(_ kind: FilterTransformerKind, at start: FilterPosition)
            throws(FilterParseError) -> FilterTransformer
        {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            var arguments: [FilterTransformerArgument] = []
            repeat {
                arguments.append(try parseTransformerArgument(at: position))
                lexer.lexBlank()
            } while lexer.lexLiteral(",")
            lexer.lexBlank()
            if !lexer.lexLiteral(")") {
                throw error(.expectedClosingParenthesis, "expected a ')' token closing the transformer")
            }
            return FilterTransformer(kind: kind, arguments: arguments, position: start)
        }

        private mutating func parseTransformerArgument(at start: FilterPosition) throws(FilterParseError)
            -> FilterTransformerArgument
        {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            if lexer.lexHexNumber() || lexer.lexNumber() {
                return .value(FilterLiteral(text: lexer.lastToken, position: start))
            }
            if try lexer.lexQuotedString() {
                return .value(FilterLiteral(text: lexer.lastToken, isQuoted: true, position: start))
            }
            if lexer.lexLiteral("(") {
                return try parseTransformerList(at: start)
            }
            if let kind = lexer.lexTransformerType() {
                return .transformer(try parseTransformerRemainder(kind, at: start))
            }
            if lexer.lexFieldName() {
                return .field(try parseFieldRemainder(name: lexer.lastToken, at: start))
            }
            throw error(
                .expectedTransformerArgument,
                "expected field transformer argument: field, transformer, quoted string, number, or transformer list")
        }

        /// The items and `)` of a transformer list, after its `(` (libs has no depth guard here).
        private mutating func parseTransformerList(at start: FilterPosition) throws(FilterParseError)
            -> FilterTransformerArgument
        {
            var items: [FilterTransformerArgument] = []
            lexer.lexBlank()
            if lexer.lexLiteral(")") {
                return .list(items, at: start)
            }
            items.append(try parseTransformerListItem())
            lexer.lexBlank()
            while lexer.lexLiteral(",") {
                lexer.lexBlank()
                items.append(try parseTransformerListItem())
                lexer.lexBlank()
            }
            if !lexer.lexLiteral(")") {
                throw error(.expectedClosingParenthesis, "expected ')'")
            }
            return .list(items, at: start)
        }

        private mutating func parseTransformerListItem() throws(FilterParseError) -> FilterTransformerArgument {
            let start = position
            if lexer.lexFieldName() {
                return .field(try parseFieldRemainder(name: lexer.lastToken, at: start))
            }
            if let kind = lexer.lexTransformerType() {
                lexer.lexBlank()
                return .transformer(try parseTransformerRemainder(kind, at: start))
            }
            if try lexer.lexQuotedString() {
                return .value(FilterLiteral(text: lexer.lastToken, isQuoted: true, position: start))
            }
            if lexer.lexHexNumber() || lexer.lexNumber() {
                return .value(FilterLiteral(text: lexer.lastToken, position: start))
            }
            throw error(
                .expectedTransformerArgument,
                "expected transformer list argument: field, transformer, quoted string, or number")
        }

        // MARK: Operators and values

        private mutating func parseCondition(_ operand: FilterOperand, at start: FilterPosition)
            throws(FilterParseError) -> FilterExpression
        {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            if let op = lexer.lexUnaryOperator() {
                return .unaryCheck(FilterUnaryCheck(operand: operand, op: op, position: start))
            }
            lexer.lexBlank()
            let op: FilterOperator
            var modifier: FilterListModifier?
            let value: FilterCheckValue
            if let numeric = lexer.lexNumericOperator() {
                op = numeric
                value = try parseNumericValueOrTransformer()
            } else if let string = lexer.lexStringOperator() {
                op = string
                if let listModifier = lexer.lexListModifier() {
                    modifier = listModifier
                    lexer.lexBlank()
                    let listStart = position
                    _ = lexer.lexLiteral("(")  // guaranteed by lexListModifier
                    value = .list(try parseValueListRemainder(at: listStart))
                } else {
                    value = try parseStringValueOrTransformer()
                }
            } else if let list = lexer.lexListOperator() {
                op = list
                value = try parseListValueOrTransformer()
            } else {
                throw error(
                    .expectedOperator,
                    "expected a valid check operator: one of \(FilterLexer.operatorNamesForMessages)")
            }
            return .binaryCheck(
                FilterBinaryCheck(operand: operand, op: op, modifier: modifier, value: value, position: start))
        }

        private mutating func parseNumericValueOrTransformer() throws(FilterParseError) -> FilterCheckValue {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            let start = position
            if let transformer = try parseTransformerOrVal() {
                return .transformer(transformer)
            }
            if lexer.lexHexNumber() || lexer.lexNumber() {
                return .value(FilterLiteral(text: lexer.lastToken, position: start))
            }
            throw error(
                .expectedValue,
                "expected a number value or a field with a valid transformer: "
                    + FilterLexer.transformerNamesForMessages)
        }

        private mutating func parseStringValueOrTransformer() throws(FilterParseError) -> FilterCheckValue {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            let start = position
            if let transformer = try parseTransformerOrVal() {
                return .transformer(transformer)
            }
            if let literal = try lexStringValue(at: start) {
                return .value(literal)
            }
            throw error(
                .expectedValue,
                "expected a string value or a field with a valid transformer: "
                    + FilterLexer.transformerNamesForMessages)
        }

        /// A list item: libs' `parse_str_value_or_transformer(true)`.
        private mutating func parseStringValue() throws(FilterParseError) -> FilterLiteral {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            if let literal = try lexStringValue(at: position) {
                return literal
            }
            throw error(.expectedValue, "expected a string value")
        }

        private mutating func lexStringValue(at start: FilterPosition) throws(FilterParseError) -> FilterLiteral? {
            if try lexer.lexQuotedString() {
                return FilterLiteral(text: lexer.lastToken, isQuoted: true, position: start)
            }
            if lexer.lexBareString() {
                return FilterLiteral(text: lexer.lastToken, position: start)
            }
            return nil
        }

        private mutating func parseListValueOrTransformer() throws(FilterParseError) -> FilterCheckValue {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            let start = position
            if lexer.lexLiteral("(") {
                return .list(try parseValueListRemainder(at: start))
            }
            if let transformer = try parseTransformerOrVal() {
                return .transformer(transformer)
            }
            if lexer.lexIdentifier() {
                return .value(FilterLiteral(text: lexer.lastToken, position: start))
            }
            throw error(
                .expectedValue,
                "expected a list, an identifier, or a field with a valid transformer: "
                    + FilterLexer.transformerNamesForMessages)
        }

        /// The items and `)` of a value list, after its `(`.
        ///
        /// As in libs, a first item that fails to parse (for any reason) means "the list is empty":
        /// the error is dropped and a `)` must follow wherever the lexer stopped.
        private mutating func parseValueListRemainder(at start: FilterPosition) throws(FilterParseError)
            -> FilterValueList
        {
            var items: [FilterLiteral] = []
            lexer.lexBlank()
            if let first = try? parseStringValue() {
                items.append(first)
                lexer.lexBlank()
                while lexer.lexLiteral(",") {
                    items.append(try parseStringValue())
                    lexer.lexBlank()
                }
            }
            if !lexer.lexLiteral(")") {
                throw error(.expectedClosingParenthesis, "expected a ')' token")
            }
            return FilterValueList(items: items, position: start)
        }

        /// `val(field)` or a transformer, or nil (libs' `try_parse_transformer_or_val`).
        private mutating func parseTransformerOrVal() throws(FilterParseError) -> FilterTransformer? {
            try enter()
            defer { leave() }
            lexer.lexBlank()
            let start = position
            if lexer.lexLiteral("val(") {
                lexer.lexBlank()
                let fieldStart = position
                guard lexer.lexFieldName() else {
                    throw error(.expectedField, "expected a field within 'val' transformer")
                }
                let field = try parseFieldRemainder(name: lexer.lastToken, at: fieldStart)
                lexer.lexBlank()
                if !lexer.lexLiteral(")") {
                    throw error(.expectedClosingParenthesis, "expected a ')' token closing the transformer")
                }
                return FilterTransformer(kind: .val, arguments: [.field(field)], position: start)
            }
            if let kind = lexer.lexTransformerType() {
                lexer.lexBlank()
                return try parseTransformerRemainder(kind, at: start)
            }
            return nil
        }
    }
}
