/// The container runtime that manages a container, as far as its cgroup path tells.
public enum ContainerRuntime: String, Sendable, CaseIterable {
    /// Docker (`/docker/<id>`, `docker-<id>.scope`).
    case docker
    /// containerd through CRI (`cri-containerd-<id>.scope`, `/kubepods/…/<id>`).
    case containerd
    /// CRI-O (`crio-<id>.scope`).
    case crio = "cri-o"
    /// Podman (`libpod-<id>.scope`).
    case podman
}

/// Which container a process runs in, derived from its cgroup paths the way Falco derives
/// `container.id`: the first 12 hex digits of the runtime's 64-digit id, or `host`.
///
/// Only the layouts of real container runtimes count: a 64-hex directory under an unknown
/// parent, or this machine's `/process_api/<32 hex>`, is the host.
public struct ContainerID: Hashable, Sendable, CustomStringConvertible {
    /// `container.id`: 12 lowercase hex digits, or `host`.
    public let id: String
    /// The full 64-digit id, nil for the host.
    public let fullID: String?
    /// The runtime, nil for the host.
    public let runtime: ContainerRuntime?

    /// The host (no container).
    public static let host = ContainerID(id: "host", fullID: nil, runtime: nil)

    private init(id: String, fullID: String?, runtime: ContainerRuntime?) {
        self.id = id
        self.fullID = fullID
        self.runtime = runtime
    }

    /// A container with this 64-digit id.
    public init(fullID: String, runtime: ContainerRuntime?) {
        self.id = String(fullID.prefix(12))
        self.fullID = fullID
        self.runtime = runtime
    }

    /// True for the host.
    public var isHost: Bool { fullID == nil }

    /// `container.id`.
    public var description: String { id }

    /// The container of a process with these cgroups: the first path that names a container
    /// wins, else the host. Each entry may be a bare path (`/docker/<id>`), an exec event's
    /// `subsystem=path`, or a `/proc/PID/cgroup` line (`4:memory:/docker/<id>`).
    public static func parse(cgroupPaths: some Sequence<String>) -> ContainerID {
        for entry in cgroupPaths {
            if let found = parse(cgroupPath: entry) { return found }
        }
        return .host
    }

    /// The container one cgroup path names, or nil. When a path nests containers (a kind node
    /// running pods) the innermost one wins.
    public static func parse(cgroupPath entry: String) -> ContainerID? {
        let path = stripPrefix(entry)
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        var result: ContainerID?
        var underKubepods = false
        var previous: Substring = ""
        for component in components {
            if component.hasPrefix("kubepods") { underKubepods = true }
            if let found = match(component, parent: previous, underKubepods: underKubepods) { result = found }
            previous = component
        }
        return result
    }

    /// Drops the `subsystem=` or `N:controllers:` prefix of an entry.
    private static func stripPrefix(_ entry: String) -> Substring {
        let text = Substring(entry)
        if text.hasPrefix("/") { return text }
        if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy(\.isNumber) {
            let rest = text[text.index(after: colon)...]
            if let second = rest.firstIndex(of: ":") { return rest[rest.index(after: second)...] }
        }
        if let equals = text.firstIndex(of: "=") { return text[text.index(after: equals)...] }
        return text
    }

    private static func match(_ component: Substring, parent: Substring, underKubepods: Bool) -> ContainerID? {
        let scoped = component.hasSuffix(".scope")
        let name = scoped ? component.dropLast(6) : component
        let prefixes: [(String, ContainerRuntime)] = [
            ("docker-", .docker), ("cri-containerd-", .containerd), ("crio-", .crio), ("libpod-", .podman),
        ]
        for (prefix, runtime) in prefixes where name.hasPrefix(prefix) {
            let id = name.dropFirst(prefix.count)
            // `crio-conmon-<id>` and `libpod-conmon-<id>` are the runtime's monitor, not the container.
            return isContainerID(id) ? ContainerID(fullID: String(id), runtime: runtime) : nil
        }
        if scoped { return nil }
        // The systemd cgroup driver in cgroupfs form: `…slice:cri-containerd:<id>`.
        if let colon = component.lastIndex(of: ":") {
            let id = component[component.index(after: colon)...]
            guard isContainerID(id) else { return nil }
            let head = component[..<colon]
            if head.hasSuffix("cri-containerd") { return ContainerID(fullID: String(id), runtime: .containerd) }
            if head.hasSuffix("crio") { return ContainerID(fullID: String(id), runtime: .crio) }
            if head.hasSuffix("docker") { return ContainerID(fullID: String(id), runtime: .docker) }
            return nil
        }
        guard isContainerID(component) else { return nil }
        switch parent {
        case "docker": return ContainerID(fullID: String(component), runtime: .docker)
        case "crio": return ContainerID(fullID: String(component), runtime: .crio)
        case "libpod_parent": return ContainerID(fullID: String(component), runtime: .podman)
        default:
            if underKubepods { return ContainerID(fullID: String(component), runtime: .containerd) }
            return nil
        }
    }

    /// True for exactly 64 lowercase hex digits.
    private static func isContainerID(_ text: Substring) -> Bool {
        guard text.utf8.count == 64 else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
