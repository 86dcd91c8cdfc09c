public import SakerEvent

/// A set of event types as a bit set indexed by ``EventType/rawValue``: what a rule's condition
/// can match, inferred from its `evt.type` comparisons.
public struct EventTypeSet: Sendable, Hashable {
    private var words: [UInt64]

    /// The empty set.
    public init() {
        words = [UInt64](repeating: 0, count: (EventType.rawValueBound + 63) / 64)
    }

    /// A set of these types.
    public init(_ types: some Sequence<EventType>) {
        self.init()
        for type in types { insert(type) }
    }

    /// Every type a rule can see (syscalls and `procexit`; synthetic events never reach rules).
    public static let all: EventTypeSet = EventTypeSet(EventType.all.filter { !$0.isSynthetic })

    /// Adds a type.
    public mutating func insert(_ type: EventType) {
        let raw = Int(type.rawValue)
        words[raw / 64] |= 1 << UInt64(raw % 64)
    }

    /// True when the set holds `type`.
    @inline(__always)
    public func contains(_ type: EventType) -> Bool {
        let raw = Int(type.rawValue)
        return words[raw / 64] & (1 << UInt64(raw % 64)) != 0
    }

    /// The intersection.
    public func intersection(_ other: EventTypeSet) -> EventTypeSet {
        var result = self
        for index in words.indices { result.words[index] &= other.words[index] }
        return result
    }

    /// The union.
    public func union(_ other: EventTypeSet) -> EventTypeSet {
        var result = self
        for index in words.indices { result.words[index] |= other.words[index] }
        return result
    }

    /// Every type of ``all`` not in this set.
    public var complement: EventTypeSet {
        var result = EventTypeSet.all
        for index in words.indices { result.words[index] &= ~words[index] }
        return result
    }

    /// True when the set restricts nothing (it equals ``all``).
    public var isAll: Bool { self == EventTypeSet.all }

    /// True when no type is in the set.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The types, in raw-value order.
    public var types: [EventType] { EventType.all.filter { contains($0) } }
}

/// Infers the event types a condition can match, as libs' `filter_evttype_resolver` does:
/// negations are pushed down to the leaves (De Morgan), so `and` intersects and `or` unites
/// (swapped under a negation); `evt.type = X` and `evt.type in (…)` give their types, `!=` and a
/// negation give the complement; every other check is neutral (all types) and stays so under
/// a negation.
struct CompilerEventTypes {
    /// Resolves a macro reference to its (parsed) body; nil when it cannot be resolved (the
    /// compiler reports that), which counts as neutral.
    let macroBody: (String) -> FilterExpression?
    private var cache: [String: (positive: EventTypeSet?, negative: EventTypeSet?)] = [:]

    init(macroBody: @escaping (String) -> FilterExpression?) {
        self.macroBody = macroBody
    }

    mutating func types(of expression: FilterExpression, negated: Bool = false) -> EventTypeSet {
        var visiting = Set<String>()
        return types(expression, negated, &visiting)
    }

    private mutating func types(_ expression: FilterExpression, _ negated: Bool, _ visiting: inout Set<String>)
        -> EventTypeSet
    {
        switch expression {
        case .and(let children, _):
            return negated ? union(children, negated, &visiting) : intersection(children, negated, &visiting)
        case .or(let children, _):
            return negated ? intersection(children, negated, &visiting) : union(children, negated, &visiting)
        case .not(let child, _):
            return types(child, !negated, &visiting)
        case .macro(let reference):
            if let cached = cache[reference.name], let set = negated ? cached.negative : cached.positive { return set }
            guard !visiting.contains(reference.name), let body = macroBody(reference.name) else { return .all }
            visiting.insert(reference.name)
            let set = types(body, negated, &visiting)
            visiting.remove(reference.name)
            var entry = cache[reference.name] ?? (nil, nil)
            if negated { entry.negative = set } else { entry.positive = set }
            cache[reference.name] = entry
            return set
        case .unaryCheck:
            return .all
        case .binaryCheck(let check):
            guard case .field(let field) = check.operand, field.argument == nil, field.name == "evt.type",
                check.modifier == nil
            else { return .all }
            let names: [String]
            switch (check.op, check.value) {
            case (.equal, .value(let literal)), (.doubleEqual, .value(let literal)), (.notEqual, .value(let literal)):
                names = [literal.text]
            case (.in, .list(let list)):
                names = list.values
            case (.in, .value(let literal)):
                names = [literal.text]
            default:
                return .all
            }
            var set = EventTypeSet(names.compactMap { EventType(name: $0) })
            if negated { set = set.complement }
            if check.op == .notEqual { set = set.complement }
            return set
        }
    }

    private mutating func intersection(_ children: [FilterExpression], _ negated: Bool, _ visiting: inout Set<String>)
        -> EventTypeSet
    {
        var result = EventTypeSet.all
        for child in children { result = result.intersection(types(child, negated, &visiting)) }
        return result
    }

    private mutating func union(_ children: [FilterExpression], _ negated: Bool, _ visiting: inout Set<String>)
        -> EventTypeSet
    {
        var result = EventTypeSet()
        for child in children { result = result.union(types(child, negated, &visiting)) }
        return result
    }
}
