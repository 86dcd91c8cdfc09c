public import SakerEvent
public import SakerState

/// Everything a field extractor needs for one event: the event, the process it belongs to, and
/// (resolved lazily, once) the file descriptor it refers to.
///
/// One context is built per event and passed `inout` through the compiled conditions, so the
/// descriptor lookup happens at most once however many rules read `fd.*`.
public struct FieldContext {
    /// The event.
    public let event: Event
    /// The process the event belongs to, as the state holds it after applying the event.
    public let process: ProcessEntry?
    /// Host name and user database.
    public let environment: FieldEnvironment
    /// The process table, for parents, ancestors and threads.
    public let state: FieldStateView
    /// The pipeline's account database (per-container `/etc/passwd`), preferred over
    /// ``FieldEnvironment/users`` when given.
    public let userTable: UserTable?
    /// `fd.name_changed` for this event.
    public var fdNameChanged: Bool { state.fdNameChanged }

    private var fdResolved = false
    private var fdNumberStorage: Int64?
    private var fdStorage: FdInfo?
    private var fallbackNameResolved = false
    private var fallbackNameStorage: String?
    /// Macro results for this event, by macro number: 0 not evaluated yet, 1 false, 2 true.
    private var macroResults: [UInt8] = []
    /// The last `evt.arg` rendered (many rules test `evt.arg.flags`).
    private var renderedArgument: (name: String, value: String)?
    /// `fd.directory`, once computed.
    private var directoryStorage: String??

    /// Creates the context of one event.
    public init(
        event: Event, process: ProcessEntry?, state: FieldStateView, environment: FieldEnvironment,
        userTable: UserTable? = nil
    ) {
        self.event = event
        self.process = process
        self.state = state
        self.environment = environment
        self.userTable = userTable
    }

    /// Creates the context of one event from the table it was applied to, looking up its process.
    public init(
        event: Event, table: borrowing ProcessTable, environment: FieldEnvironment, userTable: UserTable? = nil
    ) {
        let state = FieldStateView(table)
        self.init(
            event: event, process: state.process(pid: event.pid) ?? state.process(tid: event.tid), state: state,
            environment: environment, userTable: userTable)
    }

    /// The user with this uid, as the event's process sees it.
    public func user(_ uid: UInt32) -> FieldUserDirectory.User? {
        if let userTable, let process {
            return userTable.user(uid: uid, for: process).map {
                FieldUserDirectory.User(name: $0.name, home: $0.home, shell: $0.shell)
            }
        }
        return environment.users.user(uid)
    }

    /// The name of the group with this gid, as the event's process sees it.
    public func groupName(_ gid: UInt32) -> String? {
        if let userTable, let process { return userTable.group(gid: gid, for: process)?.name }
        return environment.users.groupName(gid)
    }

    /// The number of the descriptor the event refers to (`fd.num`): the one it returned for the
    /// calls that create one (`open`, `socket`, `accept`…, negative when they failed, as libs
    /// reports it), the old one for `dup`, else its `fd` argument. Nil for events without one.
    public mutating func fdNumber() -> Int64? {
        resolveFd()
        return fdNumberStorage
    }

    /// The descriptor the event refers to, as the process's table holds it.
    public mutating func fd() -> FdInfo? {
        resolveFd()
        return fdStorage
    }

    /// The result of macro number `id` for this event, evaluated by `body` the first time only:
    /// conditions are pure functions of the event and the state, and many rules share macros
    /// (`open_read`, `spawned_process`…).
    @inline(__always)
    mutating func memoized(_ id: Int, _ body: (inout FieldContext) -> Bool) -> Bool {
        if id < macroResults.count {
            let known = macroResults[id]
            if known != 0 { return known == 2 }
        }
        let result = body(&self)
        if id >= macroResults.count {
            macroResults.append(contentsOf: repeatElement(0, count: max(id + 1 - macroResults.count, 256)))
        }
        macroResults[id] = result ? 2 : 1
        return result
    }

    /// The rendering of parameter `name`, computed by `render` the first time in a row it is asked.
    mutating func renderedArgument(_ name: String, _ render: (inout FieldContext) -> String) -> String {
        if let cached = renderedArgument, cached.name == name { return cached.value }
        let value = render(&self)
        renderedArgument = (name, value)
        return value
    }

    /// `fd.directory`, computed by `compute` once per event.
    mutating func directory(_ compute: (inout FieldContext) -> String?) -> String? {
        if let cached = directoryStorage { return cached }
        let value = compute(&self)
        directoryStorage = .some(value)
        return value
    }

    /// `fd.name` without a tracked descriptor (computed once per event; see
    /// `FieldRegistry.nameWithoutDescriptor`).
    mutating func fallbackName(_ compute: (inout FieldContext) -> String?) -> String? {
        if !fallbackNameResolved {
            fallbackNameResolved = true
            fallbackNameStorage = compute(&self)
        }
        return fallbackNameStorage
    }

    private mutating func resolveFd() {
        guard !fdResolved else { return }
        fdResolved = true
        guard let number = FieldContext.fdNumber(of: event) else { return }
        fdNumberStorage = number
        if number >= 0 { fdStorage = process?.fds[number] }
    }

    /// The parameter holding the event's descriptor, per event type (index into `params`).
    private static let fdParamIndex: [(index: Int, name: String)?] = {
        var table = [(index: Int, name: String)?](repeating: nil, count: EventType.rawValueBound)
        for type in EventType.all {
            let params = EventSchema.params(of: type)
            let wanted = type.name.hasPrefix("dup") ? "oldfd" : "fd"
            if let index = params.firstIndex(where: { $0.name == wanted }) {
                table[Int(type.rawValue)] = (index, wanted)
            }
        }
        return table
    }()

    /// The descriptor number an event refers to, if any.
    static func fdNumber(of event: Event) -> Int64? {
        let raw = Int(event.type.rawValue)
        guard raw < fdParamIndex.count, let (index, wanted) = fdParamIndex[raw] else { return nil }
        let value: ParamValue?
        if index < event.params.count, event.params[index].name == wanted {
            value = event.params[index].value
        } else {
            value = event.param(wanted)
        }
        guard let number = value?.integer else { return nil }
        // A call that returns the descriptor (open, socket, accept…) and failed carries -errno
        // there; libs reports such a descriptor as -1 (the `open_file_failed` macro relies on it).
        if number < 0, index == 0, event.type.isSyscall { return -1 }
        return number
    }
}
