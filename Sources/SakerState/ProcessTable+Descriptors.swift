import SakerEvent

// File-descriptor tracking: every syscall that creates, duplicates, names or closes a descriptor.
extension ProcessTable {
    /// open, openat, openat2, creat. Relative names resolve against the cwd (`open`, `creat`,
    /// `AT_FDCWD`) or the directory descriptor's name; with a directory descriptor the table
    /// does not know, the name becomes `<UNKNOWN>` + the normalized relative name, as libs does.
    mutating func applyOpen(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard let fd = event.result, fd >= 0 else { return }
        let name = event.string("name") ?? "<NA>"
        let flags: UInt64 =
            action == .creat
            ? LinuxConstants.oCreat | LinuxConstants.oWronly | LinuxConstants.oTrunc : event.uint("flags") ?? 0
        let directory: String
        if name.utf8.first == UInt8(ascii: "/") {
            directory = ""
        } else if action != .openat {
            directory = process.cwd
        } else {
            let dirfd = event.int("dirfd") ?? LinuxConstants.atFdcwd
            if dirfd == LinuxConstants.atFdcwd {
                directory = process.cwd
            } else if let info = process.fds[dirfd] {
                directory = PathNormalization.directoryPrefix(info.name)
            } else {
                directory = "<UNKNOWN>"
            }
        }
        let info = FdInfo(
            type: flags & LinuxConstants.oDirectory != 0 ? .directory : .file,
            name: PathNormalization.concatenate(directory, name),
            rawName: name,
            openFlags: flags,
            closeOnExec: flags & LinuxConstants.oCloexec != 0,
            device: event.uint("dev") ?? 0,
            inode: event.uint("ino") ?? 0
        )
        add(info, at: fd, to: process)
    }

    /// close: the descriptor stays visible for this event's rules and goes at the next event.
    mutating func applyClose(_ event: Event, process: ProcessEntry) {
        guard let result = event.result, result >= 0, let fd = event.int("fd"), process.fds.contains(fd) else { return }
        pendingFdRemoval = (process, fd)
    }

    /// dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC): the new number describes the same open
    /// file; only dup3 with `O_CLOEXEC` and F_DUPFD_CLOEXEC make it close on exec.
    mutating func applyDup(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard let newFd = event.result, newFd >= 0 else { return }
        let oldFd: Int64?
        var closeOnExec = false
        if action == .fcntl {
            guard let command = event.uint("cmd"),
                command == LinuxConstants.fDupfd || command == LinuxConstants.fDupfdCloexec
            else { return }
            closeOnExec = command == LinuxConstants.fDupfdCloexec
            oldFd = event.int("fd")
        } else {
            oldFd = event.int("oldfd")
            if event.type == .dup3 { closeOnExec = (event.uint("flags") ?? 0) & LinuxConstants.oCloexec != 0 }
        }
        guard let oldFd, oldFd != newFd, var info = process.fds[oldFd] else { return }
        info.closeOnExec = closeOnExec
        if closeOnExec {
            info.openFlags |= LinuxConstants.oCloexec
        } else {
            info.openFlags &= ~LinuxConstants.oCloexec
        }
        add(info, at: newFd, to: process)
    }

    /// socket: the family decides the type (unknown families are libs' `o`), the type and
    /// protocol the transport.
    mutating func applySocket(_ event: Event, process: ProcessEntry) {
        guard let fd = event.result, fd >= 0 else { return }
        let domain = UInt16(truncatingIfNeeded: event.uint("domain") ?? 0)
        let socketType = event.uint("type") ?? 0
        let family = AddressFamily(rawValue: domain)
        let type = Self.fdType(of: family)
        let proto = UInt32(truncatingIfNeeded: event.uint("proto") ?? 0)
        let l4: L4Protocol =
            type.isInet ? L4Protocol(socketType: UInt32(truncatingIfNeeded: socketType), protocol: proto) : .unknown
        let socket = SocketInfo(family: family, socketType: UInt32(socketType & 0xf), l4Protocol: l4)
        let info = FdInfo(type: type, closeOnExec: socketType & LinuxConstants.sockCloexec != 0, socket: socket)
        add(info, at: fd, to: process)
    }

    /// socketpair and pipe/pipe2: two descriptors at once.
    mutating func applyPair(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard event.result == 0, let first = event.int("fd1"), let second = event.int("fd2"), first >= 0, second >= 0,
            first != second
        else { return }
        let info: FdInfo
        if action == .pipe {
            let flags = event.uint("flags") ?? 0
            info = FdInfo(
                type: .pipe, openFlags: flags, closeOnExec: flags & LinuxConstants.oCloexec != 0,
                inode: event.uint("ino") ?? 0)
        } else {
            let socketType = event.uint("type") ?? 0
            info = FdInfo(
                type: .unix, closeOnExec: socketType & LinuxConstants.sockCloexec != 0,
                socket: SocketInfo(family: .unix, socketType: UInt32(socketType & 0xf)))
        }
        add(info, at: first, to: process)
        add(info, at: second, to: process)
    }

    /// connect (also in progress): the tuple names the socket and makes it a client.
    mutating func applyConnect(_ event: Event, process: ProcessEntry) {
        guard let result = event.result, result == 0 || result == -LinuxConstants.einprogress,
            let fd = event.int("fd")
        else { return }
        let tuple = event.tuple("tuple").map(Self.unmapped)
        let address = event.address("addr").map(Self.unmapped)
        guard tuple != nil || address != nil else { return }
        let family = tuple?.family ?? address?.family ?? .unspecified
        var info = process.fds[fd] ?? FdInfo(type: Self.fdType(of: family), socket: SocketInfo(family: family))
        var socket = info.socket ?? SocketInfo(family: family)
        let oldName = info.name
        if let tuple {
            info.type = Self.fdType(of: tuple.family)
            socket.tuple = tuple
            info.name = tuple.description
        } else if let address {
            info.type = Self.fdType(of: address.family)
            if case .inet(let ip, _) = address {
                let unspecified: IPAddress = ip.isV6 ? .v6([UInt8](repeating: 0, count: 16)) : .v4(0, 0, 0, 0)
                let partial = SocketTuple(client: .inet(unspecified, port: 0), server: address)
                socket.tuple = partial
                info.name = partial.description
            } else {
                info.name = SnapshotDescriptor.render(address)
            }
        }
        if socket.role == .none { socket.role = .client }
        socket.isConnected = true
        info.socket = socket
        if !oldName.isEmpty && oldName != info.name { fdNameChanged = true }
        add(info, at: fd, to: process)
    }

    /// accept, accept4: a new connected server-side socket named by the tuple.
    mutating func applyAccept(_ event: Event, process: ProcessEntry) {
        guard let fd = event.result, fd >= 0, let raw = event.tuple("tuple") else { return }
        let tuple = Self.unmapped(raw)
        let type = Self.fdType(of: tuple.family)
        guard type.isInet || type == .unix else { return }
        let socket = SocketInfo(
            family: tuple.family, socketType: 1, l4Protocol: type.isInet ? .tcp : .unknown, role: .server,
            tuple: tuple, isConnected: true)
        let flags = event.uint("flags") ?? 0
        let info = FdInfo(
            type: type, name: tuple.description, closeOnExec: flags & LinuxConstants.oCloexec != 0, socket: socket)
        add(info, at: fd, to: process)
    }

    /// bind: the address names the socket; a port makes it a server socket.
    mutating func applyBind(_ event: Event, process: ProcessEntry) {
        guard event.result == 0, let fd = event.int("fd"), let raw = event.address("addr") else { return }
        let address = Self.unmapped(raw)
        var info =
            process.fds[fd] ?? FdInfo(type: Self.fdType(of: address.family), socket: SocketInfo(family: address.family))
        var socket = info.socket ?? SocketInfo(family: address.family)
        let oldName = info.name
        if case .inet(_, let port) = address, port > 0 {
            info.type = Self.fdType(of: address.family)
            socket.boundAddress = address
            socket.role = .server
        }
        info.name = SnapshotDescriptor.render(address)
        info.socket = socket
        if !oldName.isEmpty && oldName != info.name { fdNameChanged = true }
        add(info, at: fd, to: process)
    }

    /// listen: the socket accepts connections.
    mutating func applyListen(_ event: Event, process: ProcessEntry) {
        guard event.result == 0, let fd = event.int("fd") else { return }
        process.fds.update(fd) { info in
            guard var socket = info.socket else { return }
            socket.isListening = true
            socket.role = .server
            info.socket = socket
        }
    }

    /// sendto/sendmsg/recvfrom/recvmsg carrying a tuple: on a socket without a connection (or
    /// not TCP) the tuple names it, as libs does for datagrams. The event's tuple gives the data
    /// direction (`client` = sender); the stored tuple is oriented client → server by role,
    /// guessed from whether this process is bound to the local port. A datagram sent on a
    /// descriptor the table does not know creates a UDP socket, as libs infers.
    mutating func applyDatagram(_ event: Event, outgoing: Bool, process: ProcessEntry) {
        guard let result = event.result, result >= 0, let fd = event.int("fd"), let raw = event.tuple("tuple") else {
            return
        }
        let tuple = Self.unmapped(raw)
        let family = tuple.family
        var info: FdInfo
        if let known = process.fds[fd] {
            info = known
        } else {
            guard outgoing, family == .inet || family == .inet6 else { return }
            info = FdInfo(
                type: Self.fdType(of: family), socket: SocketInfo(family: family, socketType: 2, l4Protocol: .udp))
        }
        guard info.type.isSocket else { return }
        var socket = info.socket ?? SocketInfo(family: family)
        if socket.tuple != nil && socket.l4Protocol == .tcp { return }
        let oldName = info.name
        if family == .unix {
            info.type = .unix
            info.name = tuple.description
        } else if family == .inet || family == .inet6 {
            info.type = Self.fdType(of: family)
            if socket.l4Protocol == .unknown { socket.l4Protocol = .udp }
            let localEnd = outgoing ? tuple.client : tuple.server
            if socket.role == .none {
                socket.role = isBound(process, to: localEnd) ? .server : .client
            }
            // Outgoing tuples run local → remote, incoming remote → local; the stored tuple runs
            // client → server.
            let localIsClient = socket.role != .server
            let oriented: SocketTuple
            if outgoing == localIsClient {
                oriented = tuple
            } else {
                oriented = SocketTuple(client: tuple.server, server: tuple.client)
            }
            socket.tuple = oriented
            info.name = oriented.description
        } else {
            return
        }
        info.socket = socket
        if !oldName.isEmpty && oldName != info.name { fdNameChanged = true }
        add(info, at: fd, to: process)
    }

    /// memfd_create, userfaultfd, io_uring_setup, bpf (commands that return a descriptor).
    mutating func applyAnonymousFd(_ event: Event, action: StateAction, process: ProcessEntry) {
        guard let fd = event.result, fd >= 0 else { return }
        let info: FdInfo
        switch action {
        case .memfd:
            let name = event.string("name") ?? ""
            let flags = event.uint("flags") ?? 0
            info = FdInfo(
                type: .memfd, name: name, rawName: name, openFlags: flags,
                closeOnExec: flags & LinuxConstants.mfdCloexec != 0)
        case .userfaultfd:
            let flags = event.uint("flags") ?? 0
            info = FdInfo(type: .userfaultfd, openFlags: flags, closeOnExec: flags & LinuxConstants.oCloexec != 0)
        case .ioUring:
            info = FdInfo(type: .ioUring, closeOnExec: true)
        case .bpf:
            if let command = event.uint("cmd"), !LinuxConstants.bpfCommandsReturningFd.contains(command) { return }
            info = FdInfo(type: .bpf, closeOnExec: true)
        default:
            return
        }
        add(info, at: fd, to: process)
    }

    // MARK: - Helpers

    mutating func add(_ info: FdInfo, at fd: Int64, to process: ProcessEntry) {
        if let pending = pendingFdRemoval, pending.entry === process, pending.fd == fd { pendingFdRemoval = nil }
        if !process.fds.insert(info, at: fd, limit: limits.maxFdsPerProcess) { counters.fdsDropped += 1 }
    }

    /// True when `process` holds a server socket on the port of `address`.
    private func isBound(_ process: ProcessEntry, to address: SocketAddress) -> Bool {
        guard case .inet(_, let port) = address, port > 0 else { return false }
        var bound = false
        process.fds.forEach { _, info in
            guard let socket = info.socket else { return true }
            if let server = socket.boundAddress, case .inet(_, let serverPort) = server, serverPort == port {
                bound = true
                return false
            }
            if socket.role == .server, let server = socket.tuple?.server, case .inet(_, let serverPort) = server,
                serverPort == port
            {
                bound = true
                return false
            }
            return true
        }
        return bound
    }

    static func fdType(of family: AddressFamily) -> FdType {
        switch family {
        case .inet: .ipv4
        case .inet6: .ipv6
        case .unix: .unix
        case .netlink: .netlink
        default: .unknown
        }
    }

    /// An IPv6 address that is IPv4-mapped (or all zeros, which libs treats the same way), as IPv4.
    static func unmappedIP(_ ip: IPAddress) -> IPAddress? {
        if let v4 = ip.mappedV4 { return v4 }
        if case .v6(let bytes) = ip, bytes.allSatisfy({ $0 == 0 }) { return .v4(0, 0, 0, 0) }
        return nil
    }

    /// A tuple whose two ends are IPv4-mapped IPv6 addresses, as an IPv4 tuple (libs reports
    /// such connections as IPv4).
    static func unmapped(_ tuple: SocketTuple) -> SocketTuple {
        guard case .inet(let clientIP, let clientPort) = tuple.client,
            case .inet(let serverIP, let serverPort) = tuple.server,
            clientIP.isV6, serverIP.isV6, let client = unmappedIP(clientIP), let server = unmappedIP(serverIP)
        else { return tuple }
        return SocketTuple(client: .inet(client, port: clientPort), server: .inet(server, port: serverPort))
    }

    /// An IPv4-mapped (or all-zero) IPv6 address as IPv4, as libs reports bound sockets.
    static func unmapped(_ address: SocketAddress) -> SocketAddress {
        guard case .inet(let ip, let port) = address, ip.isV6, let v4 = unmappedIP(ip) else { return address }
        return .inet(v4, port: port)
    }
}
