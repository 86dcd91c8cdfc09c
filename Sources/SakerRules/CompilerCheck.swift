import SakerEvent

/// Compiles one binary check.
enum CompilerCheck {
    static func compile(_ check: FilterBinaryCheck) throws(CompileError) -> CompiledPredicate {
        if let fast = eventTypeCheck(check) { return fast }
        let operand = try CompilerOperand.compile(check.operand)
        if operand.isList && check.op != .in && check.op != .intersects {
            throw CompileError(
                "list field '\(operand.name)' only supports operators 'exists', 'in' and 'intersects'",
                at: check.position)
        }
        let read = operand.read
        let matchesAny = operand.matchesAny

        // A right-hand side read from the event (`val(field)`, or a transformer).
        if case .transformer(let transformer) = check.value {
            let rhs = try CompilerOperand.compile(transformer)
            let readRight = rhs.read
            let compare = CompilerMatchers.dynamic(check.op, type: operand.type, field: operand.name)
            return { c in
                guard let left = read(&c), let right = readRight(&c) else { return false }
                return compare(left, right)
            }
        }

        let matcher = try matcher(check, operand: operand)
        if let (extract, argument) = operand.direct, !matchesAny || operand.isList {
            return { c in
                guard let value = extract(&c, argument) else { return false }
                return matcher(value)
            }
        }
        if matchesAny && !operand.isList {
            return { c in
                guard let value = read(&c) else { return false }
                if case .list(let values) = value { return values.contains(where: matcher) }
                return matcher(value)
            }
        }
        return { c in
            guard let value = read(&c) else { return false }
            return matcher(value)
        }
    }

    private static func matcher(_ check: FilterBinaryCheck, operand: CompilerOperand) throws(CompileError)
        -> CompiledMatcher
    {
        switch check.value {
        case .value(let literal):
            if check.op.category == .list {
                return try CompilerMatchers.list(
                    check.op, [literal], type: operand.type, isList: operand.isList, field: operand.name,
                    at: literal.position)
            }
            return try CompilerMatchers.single(check.op, literal, type: operand.type, field: operand.name)
        case .list(let list):
            if check.op.category == .list {
                return try CompilerMatchers.list(
                    check.op, list.items, type: operand.type, isList: operand.isList, field: operand.name,
                    at: list.position)
            }
            guard let modifier = check.modifier else {
                throw CompileError("operator '\(check.op.rawValue)' does not take a list", at: list.position)
            }
            var parts: [CompiledMatcherNode] = []
            for item in list.items {
                parts.append(CompiledMatcherNode(
                    run: try CompilerMatchers.single(check.op, item, type: operand.type, field: operand.name)))
            }
            let matchers = parts
            switch modifier {
            case .anyof: return { value in matchers.contains { $0.run(value) } }
            case .allof: return { value in matchers.allSatisfy { $0.run(value) } }
            case .oneof:
                return { value in
                    var count = 0
                    for matcher in matchers where matcher.run(value) {
                        count += 1
                        if count > 1 { return false }
                    }
                    return count == 1
                }
            }
        case .transformer(let transformer):
            throw CompileError("unexpected transformer", at: transformer.position)
        }
    }

    /// `evt.type = X`, `!= X`, `in (…)`: one table lookup by the event's raw type.
    private static func eventTypeCheck(_ check: FilterBinaryCheck) -> CompiledPredicate? {
        guard case .field(let field) = check.operand, field.name == "evt.type", field.argument == nil,
            check.modifier == nil
        else { return nil }
        let names: [String]
        switch (check.op, check.value) {
        case (.equal, .value(let literal)), (.doubleEqual, .value(let literal)), (.notEqual, .value(let literal)),
            (.in, .value(let literal)):
            names = [literal.text]
        case (.in, .list(let list)):
            names = list.values
        default:
            return nil
        }
        var types = [Bool](repeating: false, count: EventType.rawValueBound)
        for name in names {
            if let type = EventType(name: name) { types[Int(type.rawValue)] = true }
        }
        let table = types
        if check.op == .notEqual {
            return { c in
                let raw = Int(c.event.type.rawValue)
                return raw < table.count ? !table[raw] : true
            }
        }
        return { c in
            let raw = Int(c.event.type.rawValue)
            return raw < table.count && table[raw]
        }
    }
}
