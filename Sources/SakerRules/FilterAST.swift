// The syntax tree of a filter condition, mirroring libs' `userspace/libsinsp/filter/ast.h`:
// `and_expr`, `or_expr`, `not_expr`, `identifier_expr` (a macro reference), `unary_check_expr`,
// `binary_check_expr`, `field_expr`, `field_transformer_expr`, `transformer_list_expr`,
// `value_expr` and `list_expr`. Unlike libs, every literal and list item keeps its own position.

/// A boolean expression of a filter condition.
public indirect enum FilterExpression: Sendable, Hashable {
    /// `a and b and …`: two or more children.
    case and([FilterExpression], at: FilterPosition)
    /// `a or b or …`: two or more children.
    case or([FilterExpression], at: FilterPosition)
    /// `not a`. The parser folds `not not a` into `a`, as libs does.
    case not(FilterExpression, at: FilterPosition)
    /// A bare identifier in condition position: a reference to a macro.
    case macro(FilterMacroReference)
    /// `operand exists`.
    case unaryCheck(FilterUnaryCheck)
    /// `operand operator value`.
    case binaryCheck(FilterBinaryCheck)

    /// Where the expression starts, as libs records it.
    public var position: FilterPosition {
        switch self {
        case .and(_, let position), .or(_, let position), .not(_, let position):
            return position
        case .macro(let reference):
            return reference.position
        case .unaryCheck(let check):
            return check.position
        case .binaryCheck(let check):
            return check.position
        }
    }
}

/// A reference to a macro: an identifier used where a check is expected.
public struct FilterMacroReference: Sendable, Hashable {
    /// The macro name (`[a-zA-Z]+[a-zA-Z0-9_]*`).
    public var name: String
    /// Where the name starts.
    public var position: FilterPosition

    /// Creates a reference.
    public init(name: String, position: FilterPosition) {
        self.name = name
        self.position = position
    }
}

/// A check with an operator that takes no value (`exists`).
public struct FilterUnaryCheck: Sendable, Hashable {
    /// The checked field, possibly transformed.
    public var operand: FilterOperand
    /// The operator.
    public var op: FilterUnaryOperator
    /// Where the check starts.
    public var position: FilterPosition

    /// Creates a check.
    public init(operand: FilterOperand, op: FilterUnaryOperator, position: FilterPosition) {
        self.operand = operand
        self.op = op
        self.position = position
    }
}

/// A check comparing a field with a value, a list, or another (transformed) field.
public struct FilterBinaryCheck: Sendable, Hashable {
    /// The checked field, possibly transformed.
    public var operand: FilterOperand
    /// The comparison operator.
    public var op: FilterOperator
    /// The list modifier (`startswith anyof (a, b)`), only ever present with string operators.
    public var modifier: FilterListModifier?
    /// The right-hand side.
    public var value: FilterCheckValue
    /// Where the check starts.
    public var position: FilterPosition

    /// Creates a check.
    public init(
        operand: FilterOperand,
        op: FilterOperator,
        modifier: FilterListModifier? = nil,
        value: FilterCheckValue,
        position: FilterPosition
    ) {
        self.operand = operand
        self.op = op
        self.modifier = modifier
        self.value = value
        self.position = position
    }
}

/// The left-hand side of a check: a field or a transformer applied to fields.
public indirect enum FilterOperand: Sendable, Hashable {
    /// A field (`proc.name`, `proc.aname[2]`).
    case field(FilterField)
    /// A transformer (`tolower(proc.name)`).
    case transformer(FilterTransformer)

    /// Where the operand starts.
    public var position: FilterPosition {
        switch self {
        case .field(let field): return field.position
        case .transformer(let transformer): return transformer.position
        }
    }
}

/// The right-hand side of a binary check.
public enum FilterCheckValue: Sendable, Hashable {
    /// A single value: a bare or quoted string, a number, or (after a list operator) an identifier.
    case value(FilterLiteral)
    /// A parenthesised list of values (`(a, "b c")`).
    case list(FilterValueList)
    /// A transformer, including `val(field)`: the value is read from another field.
    case transformer(FilterTransformer)

    /// Where the value starts.
    public var position: FilterPosition {
        switch self {
        case .value(let literal): return literal.position
        case .list(let list): return list.position
        case .transformer(let transformer): return transformer.position
        }
    }
}

/// A field reference with its optional argument (`proc.aname[2]`, `fd.types[1]`, `evt.arg[0]`).
public struct FilterField: Sendable, Hashable {
    /// The field name (`[a-zA-Z]+[a-zA-Z0-9_]*(\.[a-zA-Z]+[a-zA-Z0-9_]*)+`).
    public var name: String
    /// The text between brackets, unescaped when it was quoted; nil without brackets.
    public var argument: String?
    /// Where the field name starts.
    public var position: FilterPosition

    /// Creates a field reference.
    public init(name: String, argument: String? = nil, position: FilterPosition) {
        self.name = name
        self.argument = argument
        self.position = position
    }
}

/// A field transformer applied to its arguments (`tolower(proc.name)`, `join(",", (a.b, c.d))`).
public struct FilterTransformer: Sendable, Hashable {
    /// Which transformer.
    public var kind: FilterTransformerKind
    /// The arguments, in order; `val` always has exactly one field argument.
    public var arguments: [FilterTransformerArgument]
    /// Where the transformer name starts.
    public var position: FilterPosition

    /// Creates a transformer.
    public init(kind: FilterTransformerKind, arguments: [FilterTransformerArgument], position: FilterPosition) {
        self.kind = kind
        self.arguments = arguments
        self.position = position
    }
}

/// An argument of a field transformer.
public indirect enum FilterTransformerArgument: Sendable, Hashable {
    /// A field.
    case field(FilterField)
    /// A nested transformer.
    case transformer(FilterTransformer)
    /// A quoted string or a number.
    case value(FilterLiteral)
    /// A parenthesised list of fields, transformers, quoted strings and numbers (`join`).
    case list([FilterTransformerArgument], at: FilterPosition)

    /// Where the argument starts.
    public var position: FilterPosition {
        switch self {
        case .field(let field): return field.position
        case .transformer(let transformer): return transformer.position
        case .value(let literal): return literal.position
        case .list(_, let position): return position
        }
    }
}

/// A literal value. Numbers are kept as text: libs compares them after the field's type is known.
public struct FilterLiteral: Sendable, Hashable {
    /// The value, unescaped when it was quoted.
    public var text: String
    /// Whether it was written between quotes.
    public var isQuoted: Bool
    /// Where the literal starts (its opening quote, when quoted).
    public var position: FilterPosition

    /// Creates a literal.
    public init(text: String, isQuoted: Bool = false, position: FilterPosition) {
        self.text = text
        self.isQuoted = isQuoted
        self.position = position
    }
}

/// A parenthesised list of values.
public struct FilterValueList: Sendable, Hashable {
    /// The items, in order (may be empty).
    public var items: [FilterLiteral]
    /// Where the opening parenthesis is.
    public var position: FilterPosition

    /// Creates a list.
    public init(items: [FilterLiteral], position: FilterPosition) {
        self.items = items
        self.position = position
    }

    /// The item texts.
    public var values: [String] { items.map(\.text) }
}

/// The operator of a unary check.
public enum FilterUnaryOperator: String, Sendable, Hashable, CaseIterable {
    /// The field can be extracted from the event.
    case exists
}

/// The operator of a binary check. Raw values are the spellings libs accepts.
public enum FilterOperator: String, Sendable, Hashable, CaseIterable {
    /// `=`: equal.
    case equal = "="
    /// `==`: equal (the same operator as `=`, kept apart to print conditions as written).
    case doubleEqual = "=="
    /// `!=`: not equal.
    case notEqual = "!="
    /// `<`: numerically lower.
    case lessThan = "<"
    /// `<=`: numerically lower or equal.
    case lessThanOrEqual = "<="
    /// `>`: numerically greater.
    case greaterThan = ">"
    /// `>=`: numerically greater or equal.
    case greaterThanOrEqual = ">="
    /// Substring (or flag, for flag fields).
    case contains
    /// Case-insensitive substring.
    case icontains
    /// Byte substring, the value written in hex.
    case bcontains
    /// Prefix.
    case startswith
    /// Byte prefix, the value written in hex.
    case bstartswith
    /// Suffix.
    case endswith
    /// Glob pattern.
    case glob
    /// Case-insensitive glob pattern.
    case iglob
    /// Regular expression.
    case regex
    /// Every value of the field is in the list.
    case `in`
    /// Some value of the field is in the list.
    case intersects
    /// Path prefix match against a list of paths.
    case pmatch

    /// Which value the parser reads after the operator.
    public var category: Category {
        switch self {
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            return .numeric
        case .in, .intersects, .pmatch:
            return .list
        default:
            return .string
        }
    }

    /// Whether the operator compares for equality (`=` and `==` are the same operator).
    public var isEquality: Bool { self == .equal || self == .doubleEqual }

    /// The value an operator takes, as libs' grammar groups them.
    public enum Category: Sendable, Hashable {
        /// `< <= > >=`: a number or a transformer.
        case numeric
        /// `= == != contains …`: a string or a transformer; list modifiers allowed.
        case string
        /// `in intersects pmatch`: a parenthesised list, an identifier or a transformer.
        case list
    }
}

/// A list modifier of a string operator (libs#2984, Falco 0.44): `field op modifier (a, b, …)`
/// expands to `field op a`, `field op b`, … combined as the modifier says.
public enum FilterListModifier: String, Sendable, Hashable, CaseIterable {
    /// Exactly one comparison holds.
    case oneof
    /// At least one comparison holds.
    case anyof
    /// Every comparison holds.
    case allof
}

/// A field transformer. Raw values are the names written before `(`.
public enum FilterTransformerKind: String, Sendable, Hashable, CaseIterable {
    /// Lower-cases a string.
    case tolower
    /// Upper-cases a string.
    case toupper
    /// Decodes base64.
    case b64
    /// The last path component.
    case basename
    /// The length of a string or list.
    case len
    /// Joins a list with a separator: `join(sep, (a, b))`.
    case join
    /// Concatenates its arguments (libs#2822).
    case concat
    /// Parses command-line options: `getopt(proc.args, "nt:")` (libs#2842).
    case getopt
    /// `val(field)`: only on the right-hand side, reads another field's value.
    case val
}
