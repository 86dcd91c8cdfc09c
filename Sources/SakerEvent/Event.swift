/// One thing a process did, as every Saker module sees it: the output of capture (or replay),
/// the input of state tracking and rule evaluation.
///
/// An event is a *completed* syscall (arguments and return value together, like Falco's exit
/// events) or a process lifecycle event. Its parameters carry Falco's parameter names
/// (`fd`, `name`, `flags`, `res`…) so `evt.arg.NAME` resolves directly.
public struct Event: Sendable, Equatable {
    /// Sequence number in the stream (`evt.num`), assigned by the producer, starting at 1.
    public var number: UInt64
    /// When the event happened, in nanoseconds since the Unix epoch (`evt.rawtime`).
    public var timestamp: UInt64
    /// The event type (`evt.type`).
    public var type: EventType
    /// The CPU the event was recorded on (`evt.cpu`).
    public var cpu: UInt16
    /// The thread that made the call (`thread.tid`), as seen from the host pid namespace.
    public var tid: Int64
    /// Its thread-group id (`proc.pid`), as seen from the host pid namespace.
    public var pid: Int64
    /// The parameters in Falco's order, return value first for syscalls.
    public var params: [EventParam]

    /// Creates an event.
    public init(
        number: UInt64 = 0, timestamp: UInt64, type: EventType, cpu: UInt16 = 0,
        tid: Int64, pid: Int64, params: [EventParam] = []
    ) {
        self.number = number
        self.timestamp = timestamp
        self.type = type
        self.cpu = cpu
        self.tid = tid
        self.pid = pid
        self.params = params
    }

    /// The parameter with this Falco name, if the event has it.
    @inlinable
    public func param(_ name: String) -> ParamValue? {
        for param in params where param.name == name { return param.value }
        return nil
    }

    /// The syscall's return value (`evt.rawres`): the first parameter when it is a result
    /// (`res`, or `fd` for calls that return one), nil for events without one.
    @inlinable
    public var result: Int64? {
        guard type.isSyscall, let first = params.first else { return nil }
        switch first.value {
        case .errno(let value), .fd(let value), .pid(let value): return value
        default: return nil
        }
    }

    /// True when the syscall failed (its result is a negative errno).
    @inlinable
    public var failed: Bool { (result ?? 0) < 0 }

    /// Sets (or adds) a parameter.
    public mutating func setParam(_ name: String, _ value: ParamValue) {
        if let index = params.firstIndex(where: { $0.name == name }) {
            params[index].value = value
        } else {
            params.append(EventParam(name, value))
        }
    }
}

/// One named parameter of an ``Event``.
public struct EventParam: Sendable, Equatable {
    /// Falco's name for the parameter (`fd`, `name`, `flags`…).
    public var name: String
    /// Its typed value.
    public var value: ParamValue

    /// Creates a parameter.
    public init(_ name: String, _ value: ParamValue) {
        self.name = name
        self.value = value
    }
}

/// A typed parameter value. Each case says both how the value is stored and how libs renders it.
public enum ParamValue: Sendable, Equatable {
    /// A signed number, rendered in decimal.
    case int(Int64)
    /// An unsigned number, rendered in decimal.
    case uint(UInt64)
    /// A syscall result: negative values are `-errno` and render as the errno name (`ENOENT`).
    case errno(Int64)
    /// A file descriptor (negative: an error code, as for `errno`).
    case fd(Int64)
    /// A process or thread id (negative: an error code).
    case pid(Int64)
    /// Text: a path, a name, a comm.
    case string(String)
    /// Raw bytes (data buffers).
    case bytes([UInt8])
    /// A list of strings (`args`, `env`, `cgroups`).
    case strings([String])
    /// A bit set or enumerated constant, rendered through the named table (`O_RDONLY|O_CLOEXEC`).
    case flags(UInt64, FlagTable)
    /// A file mode, rendered in octal.
    case mode(UInt32)
    /// A socket address, as passed to `connect`, `bind` or `sendto`.
    case address(SocketAddress)
    /// A connection tuple: client and server ends.
    case tuple(SocketTuple)
}

extension ParamValue {
    /// The value as a signed number, when it has one.
    @inlinable
    public var integer: Int64? {
        switch self {
        case .int(let v), .errno(let v), .fd(let v), .pid(let v): return v
        case .uint(let v): return Int64(truncatingIfNeeded: v)
        case .flags(let v, _): return Int64(truncatingIfNeeded: v)
        case .mode(let v): return Int64(v)
        default: return nil
        }
    }

    /// The value as text, when it is text.
    @inlinable
    public var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
