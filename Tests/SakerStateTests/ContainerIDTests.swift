import SakerEvent
import SakerState
import Testing

private let id64 = "3f2b9c8d7e6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c"

struct CgroupCase: CustomTestStringConvertible, Sendable {
    var path: String
    var id: String
    var runtime: ContainerRuntime?
    var testDescription: String { path }
}

@Suite("Container id from cgroup paths")
struct ContainerIDTests {
    static let corpus: [CgroupCase] = [
        CgroupCase(path: "/docker/\(id64)", id: "3f2b9c8d7e6a", runtime: .docker),
        CgroupCase(path: "memory=/docker/\(id64)", id: "3f2b9c8d7e6a", runtime: .docker),
        CgroupCase(path: "4:memory:/docker/\(id64)", id: "3f2b9c8d7e6a", runtime: .docker),
        CgroupCase(path: "0::/system.slice/docker-\(id64).scope", id: "3f2b9c8d7e6a", runtime: .docker),
        CgroupCase(
            path: "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/cri-containerd-\(id64).scope",
            id: "3f2b9c8d7e6a", runtime: .containerd),
        CgroupCase(path: "/kubepods/besteffort/pod8c3e2b5a-1111-2222-3333-444455556666/\(id64)", id: "3f2b9c8d7e6a", runtime: .containerd),
        CgroupCase(path: "/kubepods/\(id64)", id: "3f2b9c8d7e6a", runtime: .containerd),
        CgroupCase(path: "/kubepods.slice/kubepods-pod1.slice/crio-\(id64).scope", id: "3f2b9c8d7e6a", runtime: .crio),
        CgroupCase(path: "/machine.slice/libpod-\(id64).scope", id: "3f2b9c8d7e6a", runtime: .podman),
        CgroupCase(path: "/machine.slice/libpod-\(id64).scope/container", id: "3f2b9c8d7e6a", runtime: .podman),
        CgroupCase(path: "/libpod_parent/libpod-\(id64)", id: "3f2b9c8d7e6a", runtime: .podman),
        CgroupCase(path: "/system.slice/containerd.service/kubepods-burstable-pod1.slice:cri-containerd:\(id64)", id: "3f2b9c8d7e6a", runtime: .containerd),
        CgroupCase(path: "/docker/\(id64)/kubepods/besteffort/pod1/\(String(id64.reversed()))", id: String(id64.reversed().prefix(12)), runtime: .containerd),
        // The host.
        CgroupCase(path: "/process_api/715502276f9e1af60e73d3b6880e6051", id: "host", runtime: nil),
        CgroupCase(path: "memory=/process_api/715502276f9e1af60e73d3b6880e6051", id: "host", runtime: nil),
        CgroupCase(path: "/", id: "host", runtime: nil),
        CgroupCase(path: "", id: "host", runtime: nil),
        CgroupCase(path: "/user.slice/user-1000.slice/session-2.scope", id: "host", runtime: nil),
        CgroupCase(path: "/system.slice/sshd.service", id: "host", runtime: nil),
        CgroupCase(path: "/system.slice/docker.service", id: "host", runtime: nil),
        CgroupCase(path: "/machine.slice/libpod-conmon-\(id64).scope", id: "host", runtime: nil),
        CgroupCase(path: "/kubepods.slice/crio-conmon-\(id64).scope", id: "host", runtime: nil),
        CgroupCase(path: "/somewhere/\(id64)", id: "host", runtime: nil),
        CgroupCase(path: "/docker/\(id64.prefix(63))", id: "host", runtime: nil),
        CgroupCase(path: "/docker/\(id64.uppercased())", id: "host", runtime: nil),
        CgroupCase(path: "/docker/\(id64)x", id: "host", runtime: nil),
    ]

    @Test("parse", arguments: corpus)
    func parse(_ testCase: CgroupCase) {
        let container = ContainerID.parse(cgroupPaths: [testCase.path])
        #expect(container.id == testCase.id)
        #expect(container.runtime == testCase.runtime)
        #expect(container.isHost == (testCase.id == "host"))
    }

    @Test func theFirstPathNamingAContainerWins() {
        let container = ContainerID.parse(cgroupPaths: ["cpu=/", "cpuset=/", "memory=/docker/\(id64)"])
        #expect(container.id == "3f2b9c8d7e6a")
        #expect(container.fullID == id64)
        #expect(ContainerID.parse(cgroupPaths: [String]()) == .host)
    }

    @Test func execComputesTheContainerAndForkInheritsIt() throws {
        var table = ProcessTable()
        table.apply(Make.exec(pid: 50, exe: "/bin/sh", cgroups: ["cpu=/docker/\(id64)", "memory=/docker/\(id64)"]))
        table.apply(Make.fork(child: 51, parent: 50, comm: "sh"))
        #expect(table.process(pid: 50)?.container.id == "3f2b9c8d7e6a")
        #expect(table.process(pid: 51)?.container.runtime == .docker)
        table.apply(Make.exec(pid: 52, exe: "/bin/sh"))
        #expect(table.process(pid: 52)?.container == .host)
    }
}
