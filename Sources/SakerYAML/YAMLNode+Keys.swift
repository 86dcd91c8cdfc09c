/// Checking a mapping's keys against the ones a format allows, with "did you mean" suggestions.
extension YAMLNode {
    /// A key a mapping should not have.
    public struct UnexpectedKey: Sendable {
        /// Why the key is unexpected.
        public enum Reason: Sendable, Hashable {
            /// The key is not one of the allowed keys.
            case unknown
            /// The key appeared earlier in the same mapping (lookups use the first one).
            case duplicate
            /// The key is not a string (a sequence, a mapping, or null).
            case notAString
        }

        /// The key node, for its position.
        public var key: YAMLNode
        /// The key's text (nil when it is not a string).
        public var name: String?
        /// Why it is unexpected.
        public var reason: Reason
        /// The closest allowed key, when the key looks like a typo of one.
        public var suggestion: String?
    }

    /// The keys of this mapping that are not allowed, duplicated, or not strings, in document
    /// order. Empty for a node that is not a mapping.
    public func unexpectedKeys(allowed: Set<String>) -> [UnexpectedKey] {
        guard case .mapping(let pairs) = content else { return [] }
        var result: [UnexpectedKey] = []
        var seen = Set<String>()
        for pair in pairs {
            guard let name = pair.key.scalarValue, !pair.key.isNull else {
                result.append(UnexpectedKey(key: pair.key, name: nil, reason: .notAString, suggestion: nil))
                continue
            }
            if !seen.insert(name).inserted {
                result.append(UnexpectedKey(key: pair.key, name: name, reason: .duplicate, suggestion: nil))
            } else if !allowed.contains(name) {
                result.append(UnexpectedKey(
                    key: pair.key, name: name, reason: .unknown,
                    suggestion: Self.closestName(to: name, in: allowed)))
            }
        }
        return result
    }

    /// The candidate nearest to `word` by edit distance (case-insensitive), when it is near enough
    /// to be a typo: at most a third of the candidate's length, between 1 and 3 edits.
    public static func closestName(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = word.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(lowered, candidate.lowercased())
            guard distance <= max(1, min(3, candidate.count / 3)) else { continue }
            if let current = best, current.distance <= distance { continue }
            best = (candidate, distance)
        }
        return best?.name
    }

    /// Edit distance over UTF-8 bytes, counting an insertion, a deletion, a substitution or a swap
    /// of two neighbouring characters as one edit (optimal string alignment). Every "did you
    /// mean" of Saker's diagnostics (keys, values, field names) measures with it.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
