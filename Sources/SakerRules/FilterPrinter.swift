/// Writes a filter expression back as condition text, in one canonical form: single spaces around
/// `and`/`or`/operators, `(a, b)` lists, parentheses only where the tree needs them, and values
/// bare unless they need quotes. Parsing the output gives the same tree (positions and quoting
/// aside), so printing is idempotent. Values containing a NUL byte cannot be written back (libs'
/// lexer stops there) and are the one exception.
public enum FilterPrinter {
    /// The canonical text of an expression.
    public static func print(_ expression: FilterExpression) -> String {
        var out = ""
        write(expression, to: &out)
        return out
    }

    /// The canonical text of an operand (`tolower(proc.name)`).
    public static func print(_ operand: FilterOperand) -> String {
        var out = ""
        write(operand, to: &out)
        return out
    }

    private static func write(_ expression: FilterExpression, to out: inout String) {
        switch expression {
        case .and(let children, _):
            writeJoined(children, separator: " and ", to: &out)
        case .or(let children, _):
            writeJoined(children, separator: " or ", to: &out)
        case .not(let child, _):
            out += "not "
            writeOperand(child, to: &out)
        case .macro(let reference):
            out += reference.name
        case .unaryCheck(let check):
            write(check.operand, to: &out)
            out += " "
            out += check.op.rawValue
        case .binaryCheck(let check):
            write(check.operand, to: &out)
            out += " "
            out += check.op.rawValue
            if let modifier = check.modifier {
                out += " "
                out += modifier.rawValue
            }
            out += " "
            write(check.value, to: &out)
        }
    }

    private static func writeJoined(_ children: [FilterExpression], separator: String, to out: inout String) {
        for (index, child) in children.enumerated() {
            if index > 0 { out += separator }
            switch child {
            case .and, .or: writeParenthesized(child, to: &out)
            case .not, .macro, .unaryCheck, .binaryCheck: write(child, to: &out)
            }
        }
    }

    /// The child of a `not`: `not not a` would fold into `a`, so a `not` child keeps parentheses,
    /// as do `and`/`or` children.
    private static func writeOperand(_ expression: FilterExpression, to out: inout String) {
        switch expression {
        case .and, .or, .not: writeParenthesized(expression, to: &out)
        case .macro, .unaryCheck, .binaryCheck: write(expression, to: &out)
        }
    }

    private static func writeParenthesized(_ expression: FilterExpression, to out: inout String) {
        out += "("
        write(expression, to: &out)
        out += ")"
    }

    private static func write(_ operand: FilterOperand, to out: inout String) {
        switch operand {
        case .field(let field): write(field, to: &out)
        case .transformer(let transformer): write(transformer, to: &out)
        }
    }

    private static func write(_ value: FilterCheckValue, to out: inout String) {
        switch value {
        case .value(let literal):
            out += stringValue(literal.text)
        case .list(let list):
            out += "("
            for (index, item) in list.items.enumerated() {
                if index > 0 { out += ", " }
                out += stringValue(item.text)
            }
            out += ")"
        case .transformer(let transformer):
            write(transformer, to: &out)
        }
    }

    private static func write(_ field: FilterField, to out: inout String) {
        out += field.name
        if let argument = field.argument {
            out += "["
            let bytes = argument.utf8
            if !bytes.isEmpty, bytes.allSatisfy(FilterLexer.isFieldArgumentByte) {
                out += argument
            } else {
                out += FilterEscaping.quoted(argument)
            }
            out += "]"
        }
    }

    private static func write(_ transformer: FilterTransformer, to out: inout String) {
        out += transformer.kind.rawValue
        out += "("
        for (index, argument) in transformer.arguments.enumerated() {
            if index > 0 { out += ", " }
            write(argument, to: &out)
        }
        out += ")"
    }

    private static func write(_ argument: FilterTransformerArgument, to out: inout String) {
        switch argument {
        case .field(let field):
            write(field, to: &out)
        case .transformer(let transformer):
            write(transformer, to: &out)
        case .value(let literal):
            // Transformer arguments are quoted strings or numbers; a number is never quoted.
            out += literal.isQuoted ? FilterEscaping.quoted(literal.text) : literal.text
        case .list(let items, _):
            out += "("
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                write(item, to: &out)
            }
            out += ")"
        }
    }

    /// A value after a string operator or in a list: bare when the bare-string lexer reads it back
    /// whole (and no leading blank would be skipped), quoted otherwise.
    private static func stringValue(_ text: String) -> String {
        let bytes = text.utf8
        if let first = bytes.first, !FilterLexer.isBlank(first), bytes.allSatisfy(FilterLexer.isBareStringByte) {
            return text
        }
        return FilterEscaping.quoted(text)
    }
}
