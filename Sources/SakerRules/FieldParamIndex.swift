public import SakerEvent

/// Where a named parameter sits in events of each type (from ``EventSchema``), so finding it
/// usually costs one comparison instead of a scan; events that do not follow the schema fall
/// back to the scan.
public struct FieldParamIndex: Sendable, Hashable {
    /// The parameter name.
    public let name: String
    private let positions: [Int16]

    /// The index of parameter `name` across event types.
    public init(_ name: String) {
        self.name = name
        var positions = [Int16](repeating: -1, count: EventType.rawValueBound)
        for type in EventType.all {
            if let index = EventSchema.params(of: type).firstIndex(where: { $0.name == name }), index < Int(Int16.max) {
                positions[Int(type.rawValue)] = Int16(index)
            }
        }
        self.positions = positions
    }

    /// The parameter's value in `event`, if it has it.
    @inline(__always)
    public func value(in event: Event) -> ParamValue? {
        let raw = Int(event.type.rawValue)
        if raw < positions.count {
            let index = Int(positions[raw])
            if index >= 0, index < event.params.count, event.params[index].name == name {
                return event.params[index].value
            }
        }
        return event.param(name)
    }

    /// The parameter itself (name and value), if `event` has it.
    @inline(__always)
    public func parameter(in event: Event) -> EventParam? {
        let raw = Int(event.type.rawValue)
        if raw < positions.count {
            let index = Int(positions[raw])
            if index >= 0, index < event.params.count, event.params[index].name == name { return event.params[index] }
        }
        for param in event.params where param.name == name { return param }
        return nil
    }

    /// Two indexes are equal when they find the same parameter name.
    public static func == (lhs: FieldParamIndex, rhs: FieldParamIndex) -> Bool { lhs.name == rhs.name }
    /// Hashes the parameter name.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    static let flags = FieldParamIndex("flags")
    static let mode = FieldParamIndex("mode")
    static let name = FieldParamIndex("name")
    static let dirfd = FieldParamIndex("dirfd")
    static let data = FieldParamIndex("data")
}
