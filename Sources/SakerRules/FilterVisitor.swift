/// One node of a filter tree, as handed to ``FilterExpression/visit(_:)``.
public enum FilterNode: Sendable {
    /// A boolean expression or a check.
    case expression(FilterExpression)
    /// A field, on either side of a check or inside a transformer.
    case field(FilterField)
    /// A transformer, including `val`.
    case transformer(FilterTransformer)
    /// A value: a check's right-hand side, a list item, or a transformer argument.
    case literal(FilterLiteral)
    /// A list of values on a check's right-hand side.
    case list(FilterValueList)
}

/// Whether a visit goes on below the node just seen.
public enum FilterVisitAction: Sendable {
    /// Visit the node's children.
    case visitChildren
    /// Skip the node's children and continue with its siblings.
    case skipChildren
}

/// A comparison of the event type (`evt.type` or `syscall.type` without argument), from which the
/// compiler infers a rule's event types.
public struct FilterEventTypeComparison: Sendable, Hashable {
    /// The compared field.
    public var field: FilterField
    /// The operator.
    public var op: FilterOperator
    /// The list modifier, if any.
    public var modifier: FilterListModifier?
    /// The compared names (one for `=`, the items of a list); nil when compared with a transformer.
    public var values: [String]?
    /// Where the check starts.
    public var position: FilterPosition
}

extension FilterExpression {
    /// Visits every node in pre-order, left to right: boolean expressions and checks, then a check's
    /// operand, then its value, descending into transformers and lists.
    public func visit(_ body: (FilterNode) throws -> FilterVisitAction) rethrows {
        guard try body(.expression(self)) == .visitChildren else { return }
        switch self {
        case .and(let children, _), .or(let children, _):
            for child in children { try child.visit(body) }
        case .not(let child, _):
            try child.visit(body)
        case .macro:
            break
        case .unaryCheck(let check):
            try Self.visit(check.operand, body)
        case .binaryCheck(let check):
            try Self.visit(check.operand, body)
            switch check.value {
            case .value(let literal):
                _ = try body(.literal(literal))
            case .list(let list):
                if try body(.list(list)) == .visitChildren {
                    for item in list.items { _ = try body(.literal(item)) }
                }
            case .transformer(let transformer):
                try Self.visit(transformer, body)
            }
        }
    }

    private static func visit(_ operand: FilterOperand, _ body: (FilterNode) throws -> FilterVisitAction) rethrows {
        switch operand {
        case .field(let field): _ = try body(.field(field))
        case .transformer(let transformer): try visit(transformer, body)
        }
    }

    private static func visit(_ transformer: FilterTransformer, _ body: (FilterNode) throws -> FilterVisitAction)
        rethrows
    {
        guard try body(.transformer(transformer)) == .visitChildren else { return }
        for argument in transformer.arguments { try visit(argument, body) }
    }

    private static func visit(_ argument: FilterTransformerArgument, _ body: (FilterNode) throws -> FilterVisitAction)
        rethrows
    {
        switch argument {
        case .field(let field): _ = try body(.field(field))
        case .transformer(let transformer): try visit(transformer, body)
        case .value(let literal): _ = try body(.literal(literal))
        case .list(let items, _):
            for item in items { try visit(item, body) }
        }
    }

    /// Every field reference, in source order (duplicates kept), including fields inside
    /// transformers and `val()`.
    public var fields: [FilterField] {
        var result: [FilterField] = []
        visit { node in
            if case .field(let field) = node { result.append(field) }
            return .visitChildren
        }
        return result
    }

    /// The distinct field names, in order of first use.
    public var fieldNames: [String] {
        var seen = Set<String>()
        return fields.map(\.name).filter { seen.insert($0).inserted }
    }

    /// Every macro reference, in source order (duplicates kept).
    public var macroReferences: [FilterMacroReference] {
        var result: [FilterMacroReference] = []
        visit { node in
            if case .expression(.macro(let reference)) = node { result.append(reference) }
            return .visitChildren
        }
        return result
    }

    /// Every comparison of `evt.type` or `syscall.type` (without argument), in source order.
    public var eventTypeComparisons: [FilterEventTypeComparison] {
        var result: [FilterEventTypeComparison] = []
        visit { node in
            guard case .expression(.binaryCheck(let check)) = node,
                case .field(let field) = check.operand,
                field.argument == nil,
                field.name == "evt.type" || field.name == "syscall.type"
            else { return .visitChildren }
            let values: [String]?
            switch check.value {
            case .value(let literal): values = [literal.text]
            case .list(let list): values = list.values
            case .transformer: values = nil
            }
            result.append(
                FilterEventTypeComparison(
                    field: field, op: check.op, modifier: check.modifier, values: values, position: check.position))
            return .skipChildren
        }
        return result
    }

    /// The expression with every macro reference replaced by what `replacement` returns for it
    /// (the reference itself to keep it). Used to expand macros, as Falco's `filter_macro_resolver`.
    public func replacingMacros<E: Error>(_ replacement: (FilterMacroReference) throws(E) -> FilterExpression)
        throws(E) -> FilterExpression
    {
        switch self {
        case .and(let children, let position):
            var mapped: [FilterExpression] = []
            mapped.reserveCapacity(children.count)
            for child in children { mapped.append(try child.replacingMacros(replacement)) }
            return .and(mapped, at: position)
        case .or(let children, let position):
            var mapped: [FilterExpression] = []
            mapped.reserveCapacity(children.count)
            for child in children { mapped.append(try child.replacingMacros(replacement)) }
            return .or(mapped, at: position)
        case .not(let child, let position):
            return .not(try child.replacingMacros(replacement), at: position)
        case .macro(let reference):
            return try replacement(reference)
        case .unaryCheck, .binaryCheck:
            return self
        }
    }
}
