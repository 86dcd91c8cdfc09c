/// The open file descriptors of one process, by number.
///
/// A value type: a forked child gets a copy that shares storage until either side changes it,
/// so copying the parent's table on fork costs nothing up front.
public struct FdTable: Sendable, Equatable {
    private var storage: [Int64: FdInfo]

    /// Creates an empty table.
    public init() { storage = [:] }

    /// The descriptor with this number, if it is open.
    public subscript(fd: Int64) -> FdInfo? { storage[fd] }

    /// How many descriptors are open.
    public var count: Int { storage.count }

    /// True when no descriptor is open.
    public var isEmpty: Bool { storage.isEmpty }

    /// True when `fd` is open.
    public func contains(_ fd: Int64) -> Bool { storage[fd] != nil }

    /// Adds or replaces descriptor `fd`. A new number is refused (returns false) when the table
    /// already holds `limit` descriptors; replacing an open number always succeeds.
    @discardableResult
    public mutating func insert(_ info: FdInfo, at fd: Int64, limit: Int = .max) -> Bool {
        if storage[fd] == nil && storage.count >= limit { return false }
        storage[fd] = info
        return true
    }

    /// Removes descriptor `fd`, returning what it was.
    @discardableResult
    public mutating func remove(_ fd: Int64) -> FdInfo? { storage.removeValue(forKey: fd) }

    /// Changes descriptor `fd` in place; returns false when it is not open.
    @discardableResult
    public mutating func update(_ fd: Int64, _ body: (inout FdInfo) -> Void) -> Bool {
        guard let index = storage.index(forKey: fd) else { return false }
        body(&storage.values[index])
        return true
    }

    /// Drops every close-on-exec descriptor (what a successful exec does); returns how many.
    @discardableResult
    public mutating func removeCloseOnExec() -> Int {
        let before = storage.count
        guard storage.values.contains(where: { $0.closeOnExec }) else { return 0 }
        storage = storage.filter { !$0.value.closeOnExec }
        return before - storage.count
    }

    /// Removes every descriptor.
    public mutating func removeAll() { storage.removeAll() }

    /// Calls `body` for each open descriptor, in no particular order, until it returns false.
    public func forEach(_ body: (_ fd: Int64, _ info: FdInfo) -> Bool) {
        for (fd, info) in storage where !body(fd, info) { return }
    }

    /// The open descriptors sorted by number.
    public var sorted: [(fd: Int64, info: FdInfo)] {
        storage.sorted { $0.key < $1.key }.map { (fd: $0.key, info: $0.value) }
    }
}
