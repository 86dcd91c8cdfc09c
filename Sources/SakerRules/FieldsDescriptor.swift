import SakerEvent
import SakerState

// `fd.*`: the file descriptor an event refers to (libs' `sinsp_filter_check_fd`), and the
// `container.*`/`k8s.*` fields answered as Falco answers them on a host without a container runtime.

extension FieldRegistry {
    /// A field of the event's descriptor.
    private static func descriptor(
        _ name: String, _ type: FieldType, _ description: String, _ body: @escaping @Sendable (FdInfo) -> FieldValue?
    ) -> FieldDefinition {
        FieldDefinition(name, type, description) { c, _ in c.fd().flatMap(body) }
    }

    /// A socket field of the event's descriptor.
    private static func socket(
        _ name: String, _ type: FieldType, _ description: String,
        matching: FieldDefinition.Matching = .single, _ body: @escaping @Sendable (SocketInfo) -> FieldValue?
    ) -> FieldDefinition {
        FieldDefinition(name, type, matching: matching, description) { c, _ in c.fd()?.socket.flatMap(body) }
    }

    private static func ip(_ address: SocketAddress?) -> FieldValue? {
        if case .inet(let ip, _)? = address { return .ip(ip.mappedV4 ?? ip) }
        return nil
    }

    private static func port(_ address: SocketAddress?) -> FieldValue? {
        if case .inet(_, let port)? = address { return .uint(UInt64(port)) }
        return nil
    }

    private static func both(_ first: FieldValue?, _ second: FieldValue?) -> FieldValue? {
        switch (first, second) {
        case (let a?, let b?): return .list([a, b])
        case (let a?, nil): return .list([a])
        case (nil, let b?): return .list([b])
        case (nil, nil): return nil
        }
    }

    /// `fd.name` (or `fd.nameraw`) of an event without a tracked descriptor, as libs'
    /// `extract_fdname_from_creator` derives it: the path of an open-family call (a failed one,
    /// typically), and the empty string for any other event of a known process.
    static func nameWithoutDescriptor(_ context: inout FieldContext, raw: Bool) -> String? {
        if raw { return computeNameWithoutDescriptor(&context, raw: true) }
        return context.fallbackName { computeNameWithoutDescriptor(&$0, raw: false) }
    }

    private static func computeNameWithoutDescriptor(_ context: inout FieldContext, raw: Bool) -> String? {
        guard let process = context.process else { return nil }
        // A failed connect (EINPROGRESS included): libs' extract_fdname_from_creator renders the
        // call's tuple parameter.
        if context.event.type == .connect {
            if case .tuple(let tuple)? = context.event.param("tuple") { return tuple.description }
            return ""
        }
        guard openFlags(context.event) != nil, let name = FieldParamIndex.name.value(in: context.event)?.text else { return "" }
        if raw { return name }
        if name.utf8.first == UInt8(ascii: "/") { return PathNormalization.normalize(name) }
        var directory = process.cwd
        if let dirfd = FieldParamIndex.dirfd.value(in: context.event)?.integer, dirfd != -100 {
            guard let info = process.fds[dirfd] else { return "" }
            directory = PathNormalization.directoryPrefix(info.name)
        }
        return PathNormalization.concatenate(directory, name)
    }

    /// `fd.typechar` of an event without a tracked descriptor: what libs guesses from the type of
    /// call that would have created one (`o` for anything else).
    static func typeCharWithoutDescriptor(_ type: EventType) -> String {
        let raw = Int(type.rawValue)
        return raw < descriptorlessTypeChars.count ? descriptorlessTypeChars[raw] : "o"
    }

    private static let descriptorlessTypeChars: [String] = {
        var table = [String](repeating: "o", count: EventType.rawValueBound)
        let guesses: [(String, [String])] = [
            ("f", ["open", "openat", "openat2", "creat"]), ("4", ["socket", "accept", "accept4"]),
            ("p", ["pipe", "pipe2"]), ("e", ["eventfd", "eventfd2"]), ("s", ["signalfd", "signalfd4"]),
            ("t", ["timerfd_create"]), ("i", ["inotify_init", "inotify_init1"]),
        ]
        for (char, names) in guesses {
            for name in names { if let type = EventType(name: name) { table[Int(type.rawValue)] = char } }
        }
        return table
    }()

    static let fdFields: [FieldDefinition] = [
        FieldDefinition("fd.num", .int64, "The descriptor number the event refers to.") { c, _ in
            c.fdNumber().map { .int($0) }
        },
        descriptor("fd.type", .string, "The kind of descriptor: file, directory, ipv4, ipv6, unix, pipe, memfd…") {
            $0.type == .unknown || $0.type == .unsupported ? nil : .string($0.typeName)
        },
        FieldDefinition(
            "fd.typechar", .string,
            "The kind as one character: f, d, 4, 6, u, p, e, s, l, i, t, n, m, b, r… (`o` when unknown)."
        ) { c, _ in
            if let fd = c.fd() { return .string(String(fd.typeChar)) }
            guard c.process != nil else { return nil }
            return .string(typeCharWithoutDescriptor(c.event.type))
        },
        FieldDefinition(
            "fd.name", .string,
            "The full name: a path for files, `cip:cport->sip:sport` for connected sockets, a path for unix sockets."
        ) { c, _ in
            if let fd = c.fd(), !(c.event.type == .connect && (c.event.result ?? 0) < 0) { return .string(fd.name) }
            return nameWithoutDescriptor(&c, raw: false).map { .string($0) }
        },
        FieldDefinition("fd.containername", .string, "`container.id:fd.name`, unique across containers.") { c, _ in
            guard let container = c.process?.container.id else { return nil }
            if let fd = c.fd() { return .string(container + ":" + fd.name) }
            return nameWithoutDescriptor(&c, raw: false).map { .string(container + ":" + $0) }
        },
        FieldDefinition("fd.containerdirectory", .string, "`container.id:fd.directory`.") { c, _ in
            guard let container = c.process?.container.id else { return nil }
            let directory: String?
            if let fd = c.fd() {
                directory = fd.directory
            } else {
                directory = nameWithoutDescriptor(&c, raw: false).map { FdInfo(type: .file, name: $0).directory ?? "/" }
            }
            return directory.map { .string(container + ":" + $0) }
        },
        FieldDefinition("fd.nameraw", .string, "The path as the process passed it.") { c, _ in
            if let fd = c.fd() { return .string(fd.rawName.isEmpty ? fd.name : fd.rawName) }
            return nameWithoutDescriptor(&c, raw: true).map { .string($0) }
        },
        FieldDefinition("fd.directory", .string, "The directory of a file (the directory itself for one).") { c, _ in
            c.directory { context in
                if let fd = context.fd() { return fd.directory }
                guard let path = nameWithoutDescriptor(&context, raw: false) else { return nil }
                return FdInfo(type: .file, name: path).directory ?? "/"
            }.map { .string($0) }
        },
        FieldDefinition("fd.filename", .string, "The last component of a file's name.") { c, _ in
            c.fd()?.filename.map { .string($0) }
        },
        descriptor("fd.dev", .uint64, "The device number of the file.") { $0.device != 0 ? .uint($0.device) : nil },
        descriptor("fd.ino", .int64, "The inode number of the file.") {
            $0.inode != 0 ? .int(Int64(truncatingIfNeeded: $0.inode)) : nil
        },
        socket("fd.ip", .ipAddress, "Matches the client or the server IP address (filter only).", matching: .anyValue) {
            both(ip($0.clientAddress), ip($0.serverAddress))
        },
        socket("fd.cip", .ipAddress, "The client IP address.") { ip($0.clientAddress) },
        socket("fd.sip", .ipAddress, "The server IP address.") { ip($0.serverAddress) },
        socket("fd.lip", .ipAddress, "The local IP address.") { ip($0.localAddress) },
        socket("fd.rip", .ipAddress, "The remote IP address.") { ip($0.remoteAddress) },
        socket("fd.port", .port, "Matches the client or the server port (filter only).", matching: .anyValue) {
            both(port($0.clientAddress), port($0.serverAddress))
        },
        socket("fd.cport", .port, "The client port.") { port($0.clientAddress) },
        socket("fd.sport", .port, "The server port.") { port($0.serverAddress) },
        socket("fd.lport", .port, "The local port.") { port($0.localAddress) },
        socket("fd.rport", .port, "The remote port.") { port($0.remoteAddress) },
        socket("fd.net", .ipNetwork, "Matches when the client or the server IP is in the network (filter only).",
               matching: .anyValue) { both(ip($0.clientAddress), ip($0.serverAddress)) },
        socket("fd.cnet", .ipNetwork, "Matches when the client IP is in the network.") { ip($0.clientAddress) },
        socket("fd.snet", .ipNetwork, "Matches when the server IP is in the network.") { ip($0.serverAddress) },
        socket("fd.lnet", .ipNetwork, "Matches when the local IP is in the network.") { ip($0.localAddress) },
        socket("fd.rnet", .ipNetwork, "Matches when the remote IP is in the network.") { ip($0.remoteAddress) },
        FieldDefinition("fd.cip.name", .string, "The client's domain name (not resolved by Saker).") { _, _ in nil },
        FieldDefinition("fd.sip.name", .string, "The server's domain name (not resolved by Saker).") { _, _ in nil },
        FieldDefinition("fd.lip.name", .string, "The local domain name (not resolved by Saker).") { _, _ in nil },
        FieldDefinition("fd.rip.name", .string, "The remote domain name (not resolved by Saker).") { _, _ in nil },
        socket("fd.l4proto", .string, "The transport protocol: tcp, udp, icmp or raw.") {
            $0.reportedL4Protocol.name.map { .string($0) }
        },
        socket("fd.sockfamily", .string, "The socket family: ip (IPv4 and IPv6) or unix.") { info in
            switch info.family {
            case .inet, .inet6: return .string("ip")
            case .unix: return .string("unix")
            default: return nil
            }
        },
        descriptor("fd.is_server", .bool, "True when the process is the server end of the connection.") {
            .bool($0.socket?.role == .server)
        },
        descriptor("fd.connected", .bool, "True for a connected socket.") { .bool($0.socket?.isConnected ?? false) },
        FieldDefinition("fd.name_changed", .bool, "True when the event changed the descriptor's name.") { c, _ in
            .bool(c.fdNameChanged)
        },
        FieldDefinition(
            "fd.types", .string, argument: .optionalIndex, isList: true,
            "The types of the process's open descriptors; `[N]` for descriptor N only."
        ) { c, argument in
            guard let process = c.process else { return nil }
            if let index = argument.index {
                guard let info = process.fds[Int64(index)] else { return nil }
                return .list([.string(info.typeName)])
            }
            var names = Set<String>()
            process.fds.forEach { _, info in
                names.insert(info.typeName)
                return true
            }
            return .list(names.sorted().map { .string($0) })
        },
    ]

    private static func missing(_ name: String, _ type: FieldType, argument: FieldDefinition.ArgumentRule = .none,
                                _ description: String) -> FieldDefinition {
        FieldDefinition(name, type, argument: argument, description + " Not available without a container runtime.") {
            _, _ in nil
        }
    }

    static let containerFields: [FieldDefinition] = [
        FieldDefinition("container.id", .string, "The container id (12 hex digits), `host` for host processes.") {
            c, _ in c.process.map { .string($0.container.id) }
        },
        FieldDefinition("container.full_id", .string, "The full container id, `host` for host processes.") {
            c, _ in c.process.map { .string($0.container.fullID ?? "host") }
        },
        FieldDefinition("container.name", .string, "The container name, `host` for host processes.") { c, _ in
            guard let process = c.process, process.container.isHost else { return nil }
            return .string("host")
        },
        FieldDefinition("container.type", .string, "The container runtime (docker, containerd, cri-o, podman).") {
            c, _ in c.process?.container.runtime.map { .string($0.rawValue) }
        },
        missing("container.image", .string, "The container image."),
        missing("container.image.id", .string, "The container image id."),
        missing("container.image.repository", .string, "The container image repository."),
        missing("container.image.tag", .string, "The container image tag."),
        missing("container.image.digest", .string, "The container image digest."),
        missing("container.privileged", .bool, "True for a privileged container."),
        missing("container.mounts", .string, "The container's mounts."),
        missing("container.mount", .string, argument: .requiredKey, "One mount of the container, by index or source."),
        missing("container.mount.source", .string, argument: .requiredKey, "The source of a mount, by index or destination."),
        missing("container.mount.dest", .string, argument: .requiredKey, "The destination of a mount, by index or source."),
        missing("container.mount.mode", .string, argument: .requiredKey, "The mode of a mount."),
        missing("container.mount.rdwr", .string, argument: .requiredKey, "Whether a mount is read-write."),
        missing("container.mount.propagation", .string, argument: .requiredKey, "The propagation of a mount."),
        missing("container.start_ts", .absoluteTime, "When the container started."),
        missing("container.duration", .relativeTime, "How long the container has run."),
        missing("container.ip", .string, "The container's IP address."),
        missing("container.cni.json", .string, "The container's CNI result."),
        missing("container.healthcheck", .string, "The container's health check."),
        missing("container.liveness_probe", .string, "The container's liveness probe."),
        missing("container.readiness_probe", .string, "The container's readiness probe."),
        missing("container.label", .string, argument: .requiredKey, "One label of the container."),
        missing("container.labels", .string, "The container's labels."),
        missing("k8s.ns.name", .string, "The Kubernetes namespace."),
        missing("k8s.pod.name", .string, "The Kubernetes pod name."),
        missing("k8s.pod.id", .string, "The Kubernetes pod id."),
        missing("k8s.pod.uid", .string, "The Kubernetes pod uid."),
        missing("k8s.pod.sandbox_id", .string, "The Kubernetes pod sandbox id."),
        missing("k8s.pod.full_sandbox_id", .string, "The full Kubernetes pod sandbox id."),
        missing("k8s.pod.label", .string, argument: .requiredKey, "One label of the Kubernetes pod."),
        missing("k8s.pod.labels", .string, "The Kubernetes pod labels."),
        missing("k8s.pod.ip", .string, "The Kubernetes pod IP."),
        missing("k8s.pod.cni.json", .string, "The Kubernetes pod CNI result."),
    ]
}
