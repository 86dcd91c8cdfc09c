import SakerEvent

/// Compiles parsed filter conditions into predicates: closures built once, that read fields
/// through precomputed extractors and compare with precomputed values (no tree walking, no
/// string parsing per event).
///
/// Macros are tree references: each macro body is parsed (after list substitution) and compiled
/// once, then shared by every condition that refers to it. A macro sees only the macros defined
/// before it (``MacroDefinition/visibility``); rules see them all.
public final class Compiler {
    /// Where a compile error is: in the text given to ``compile(_:)``, or in a macro's text.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The error.
        public var error: CompileError
        /// The macro whose text the position refers to; nil for the condition being compiled.
        public var macro: String?

        /// `line:column: message`, prefixed by the macro name when the error is inside one.
        public var description: String { macro.map { "macro '\($0)': \(error)" } ?? error.description }
    }

    /// The list substitution applied to macro bodies.
    public let lists: FilterListSubstitution
    private let macros: [String: MacroDefinition]
    private var parsedMacros: [String: Result<FilterExpression, Failure>] = [:]
    private var compiledMacros: [String: Result<CompiledNode, Failure>] = [:]
    private var compiling: Set<String> = []
    private var macroCount = 0
    private var typeInference: CompilerEventTypes?

    /// A compiler for conditions that may use `macros`, with `lists` substituted into macro bodies.
    public init(lists: FilterListSubstitution, macros: [MacroDefinition]) {
        self.lists = lists
        usedLists = lists.listsUsedByLists
        var byName: [String: MacroDefinition] = [:]
        for macro in macros { byName[macro.name] = macro }
        self.macros = byName
    }

    /// A compiler for the lists and macros of loaded rules.
    public convenience init(rules: LoadedRules) {
        let definitions = rules.lists.map {
            FilterListDefinition(name: $0.name, items: $0.values, index: $0.index, visibility: $0.visibility)
        }
        self.init(lists: FilterListSubstitution(compiling: definitions), macros: rules.macros)
    }

    /// A compiler without lists or macros (conditions that use neither).
    public convenience init() {
        self.init(lists: FilterListSubstitution(lists: []), macros: [])
    }

    /// The names of the macros compiled so far (those the compiled conditions refer to, directly
    /// or through other macros).
    public var usedMacros: Set<String> { Set(compiledMacros.keys) }

    /// The names of the lists substituted into the macros parsed so far, and of the lists other
    /// lists include.
    public private(set) var usedLists: Set<String> = []

    // MARK: - Conditions

    /// Compiles a parsed condition (a rule's: every macro is visible).
    public func compile(_ expression: FilterExpression) throws(Failure) -> CompiledPredicate {
        try compile(expression, visibility: Int.max, macro: nil)
    }

    /// Parses `condition` (substituting lists) and compiles it.
    public func compile(condition: String) throws(Failure) -> CompiledPredicate {
        try compile(try parse(condition))
    }

    /// Parses `condition`, substituting lists (and recording which were used).
    public func parse(_ condition: String) throws(Failure) -> FilterExpression {
        do {
            let parsed = try FilterParser().parse(condition, substituting: lists)
            usedLists.formUnion(parsed.usedLists)
            return parsed.expression
        } catch {
            throw Failure(error: CompileError(error.message, at: error.position), macro: nil)
        }
    }

    /// The event types `expression` can match.
    public func eventTypes(of expression: FilterExpression) -> EventTypeSet {
        if typeInference == nil {
            typeInference = CompilerEventTypes { [unowned self] name in
                if case .success(let body) = self.parsedMacro(name) { return body }
                return nil
            }
        }
        return typeInference?.types(of: expression) ?? .all
    }

    private func compile(_ expression: FilterExpression, visibility: Int, macro: String?) throws(Failure)
        -> CompiledPredicate
    {
        switch expression {
        case .and(let children, _):
            var compiled: [CompiledNode] = []
            for child in children { compiled.append(CompiledNode(try compile(child, visibility: visibility, macro: macro))) }
            return Self.conjunction(compiled[...])
        case .or(let children, _):
            var compiled: [CompiledNode] = []
            for child in children { compiled.append(CompiledNode(try compile(child, visibility: visibility, macro: macro))) }
            return Self.disjunction(compiled[...])
        case .not(let child, _):
            let inner = try compile(child, visibility: visibility, macro: macro)
            return { c in !inner(&c) }
        case .macro(let reference):
            guard let definition = macros[reference.name], definition.index < visibility else {
                throw Failure(
                    error: CompileError("Undefined macro '\(reference.name)' used in filter.", at: reference.position),
                    macro: macro)
            }
            return try compiledMacro(definition)
        case .unaryCheck(let check):
            do {
                let operand = try CompilerOperand.compile(check.operand)
                let read = operand.read
                return { c in read(&c) != nil }
            } catch {
                throw Failure(error: error, macro: macro)
            }
        case .binaryCheck(let check):
            do {
                return try CompilerCheck.compile(check)
            } catch {
                throw Failure(error: error, macro: macro)
            }
        }
    }

    /// `a and b and …` as a balanced tree of two-way closures. Children travel in
    /// ``CompiledNode`` wrappers: a bare array of closures would store them at maximal
    /// abstraction, and every call would then go through a reabstraction thunk.
    static func conjunction(_ parts: ArraySlice<CompiledNode>) -> CompiledPredicate {
        let first = parts.startIndex
        switch parts.count {
        case 0: return { _ in true }
        case 1: return parts[first].run
        case 2:
            let a = parts[first].run, b = parts[first + 1].run
            return { c in a(&c) && b(&c) }
        case 3:
            let a = parts[first].run, b = parts[first + 1].run, d = parts[first + 2].run
            return { c in a(&c) && b(&c) && d(&c) }
        default:
            let middle = first + parts.count / 2
            let a = conjunction(parts[..<middle]), b = conjunction(parts[middle...])
            return { c in a(&c) && b(&c) }
        }
    }

    /// `a or b or …`, built like ``conjunction(_:)``.
    static func disjunction(_ parts: ArraySlice<CompiledNode>) -> CompiledPredicate {
        let first = parts.startIndex
        switch parts.count {
        case 0: return { _ in false }
        case 1: return parts[first].run
        case 2:
            let a = parts[first].run, b = parts[first + 1].run
            return { c in a(&c) || b(&c) }
        case 3:
            let a = parts[first].run, b = parts[first + 1].run, d = parts[first + 2].run
            return { c in a(&c) || b(&c) || d(&c) }
        default:
            let middle = first + parts.count / 2
            let a = disjunction(parts[..<middle]), b = disjunction(parts[middle...])
            return { c in a(&c) || b(&c) }
        }
    }

    // MARK: - Macros

    /// The parsed body of a macro (lists substituted), cached.
    func parsedMacro(_ name: String) -> Result<FilterExpression, Failure> {
        if let cached = parsedMacros[name] { return cached }
        guard let definition = macros[name] else {
            let failure = Failure(error: CompileError("Undefined macro '\(name)' used in filter.", at: .start), macro: nil)
            return .failure(failure)
        }
        let result: Result<FilterExpression, Failure>
        do {
            let parsed = try FilterParser().parse(definition.condition.text, substituting: lists)
            usedLists.formUnion(parsed.usedLists)
            result = .success(parsed.expression)
        } catch {
            result = .failure(Failure(error: CompileError(error.message, at: error.position), macro: name))
        }
        parsedMacros[name] = result
        return result
    }

    private func compiledMacro(_ definition: MacroDefinition) throws(Failure) -> CompiledPredicate {
        if let cached = compiledMacros[definition.name] { return try cached.get().run }
        guard !compiling.contains(definition.name) else {
            throw Failure(
                error: CompileError("Macro '\(definition.name)' refers to itself.", at: .start),
                macro: definition.name)
        }
        compiling.insert(definition.name)
        defer { compiling.remove(definition.name) }
        let result: Result<CompiledNode, Failure>
        switch parsedMacro(definition.name) {
        case .failure(let failure):
            result = .failure(failure)
        case .success(let body):
            do {
                let inner = try compile(body, visibility: definition.visibility, macro: definition.name)
                let id = macroCount
                macroCount += 1
                // Evaluated once per event, however many rules share the macro.
                result = .success(CompiledNode({ c in c.memoized(id, inner) }))
            } catch {
                result = .failure(error)
            }
        }
        compiledMacros[definition.name] = result
        return try result.get().run
    }
}
