// Read access for the rules engine's field extractors (SakerRules' `FieldStateView`): a copy of
// the maps is a reference-count increment, and lets extractors look up parents, ancestors and
// threads without holding the table itself. Drop such copies before the next `apply`, or the
// table's next insertion copies the whole map.
extension ProcessTable {
    /// The process entries by thread-group id, exited ones still retained included.
    public var processesByPID: [Int64: ProcessEntry] { processes }

    /// The threads other than main threads, by thread id.
    public var threadsByTID: [Int64: ThreadEntry] { threads }
}
