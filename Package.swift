// swift-tools-version: 6.1
// Saker: a host runtime-security agent. See README.md and docs/architecture.md.
import PackageDescription

/// Static archives of the C libraries the probe loader needs, so the binary only needs glibc.
let staticCLibraries: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "/usr/lib/x86_64-linux-gnu/libbpf.a",
        "-Xlinker", "/usr/lib/x86_64-linux-gnu/libelf.a",
        "-Xlinker", "/usr/lib/x86_64-linux-gnu/libz.a",
    ])
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "saker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "saker", targets: ["saker"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        // The HTTP output (and the test servers): AsyncHTTPClient over SwiftNIO, TLS by swift-nio-ssl
        // (BoringSSL compiled in, so the binary still needs only glibc).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        // The gRPC output: Falco's falco.outputs.service on a unix socket. The Swift code generated
        // from Sources/SakerGRPC/Protos is committed (Sources/SakerGRPC/Protos/generate.sh); no build plugin.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Kernel side: the CO-RE eBPF programs (bpf/, compiled by the Makefile) and a thin loader over libbpf.
        .target(
            name: "CSakerProbe",
            exclude: ["bpf"],
            cSettings: [.headerSearchPath("generated")],
            linkerSettings: staticCLibraries
        ),
        // libyaml, linked statically, seen through a tiny shim.
        .target(
            name: "CSakerYAML",
            linkerSettings: [.unsafeFlags(["-Xlinker", "/usr/lib/x86_64-linux-gnu/libyaml.a"])]
        ),
        // A small JSON value, parser (with positions) and writer.
        .target(name: "SakerJSON", swiftSettings: swiftSettings),
        // The Event model every other module speaks.
        .target(name: "SakerEvent", swiftSettings: swiftSettings),
        // Process, fd, user and container state kept from the event stream.
        .target(name: "SakerState", dependencies: ["SakerEvent"], swiftSettings: swiftSettings),
        // Probe lifecycle, raw record decoding and the JSON-lines capture format.
        .target(
            name: "SakerCapture",
            dependencies: ["SakerEvent", "SakerState", "SakerJSON", "CSakerProbe"],
            swiftSettings: swiftSettings
        ),
        // YAML documents with file:line:column on every node.
        .target(name: "SakerYAML", dependencies: ["CSakerYAML"], swiftSettings: swiftSettings),
        // The agent's configuration: model, loading (drop-ins, -o overrides, ${ENV}) and strict validation.
        .target(name: "SakerConfig", dependencies: ["SakerYAML"], swiftSettings: swiftSettings),
        // The Falco rules language: loader, filter parser, fields, compiler, outputs.
        .target(
            name: "SakerRules",
            dependencies: ["SakerEvent", "SakerState", "SakerYAML", "SakerJSON"],
            swiftSettings: swiftSettings
        ),
        // Saker's default ruleset (Falco language), embedded in the binary.
        .target(name: "SakerDefaultRules", resources: [.embedInCode("saker_rules.yaml")], swiftSettings: swiftSettings),
        .target(name: "SakerSystemd", swiftSettings: swiftSettings),
        // Keeps the release binary loadable on glibc 2.34 (RHEL 9): hypotf and hypot are routed to older symbol versions.
        .target(name: "CSakerGlibcCompat", linkerSettings: [.unsafeFlags(["-Xlinker", "--wrap=hypotf", "-Xlinker", "--wrap=hypot"])]),
        // Prometheus metrics and the /metrics and /healthz listener.
        .target(
            name: "SakerMetrics",
            dependencies: [.product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SakerOutputs",
            dependencies: [
                "SakerRules", "SakerJSON", "SakerConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gRPC output (Falco's outputs service on a unix socket); the only module that depends on gRPC.
        .target(
            name: "SakerGRPC",
            dependencies: [
                "SakerOutputs", "SakerRules",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Protos", "StaticZlib"],
            swiftSettings: swiftSettings,
            // gRPC's compression links `-lz`: resolve it to the static zlib (StaticZlib/README.md).
            linkerSettings: [.unsafeFlags(["-L", Context.packageDirectory + "/Sources/SakerGRPC/StaticZlib"])]
        ),
        // The command line, thin.
        .executableTarget(
            name: "saker",
            dependencies: [
                "SakerCapture", "SakerState", "SakerEvent", "SakerJSON", "SakerRules",
                "SakerDefaultRules", "SakerConfig", "SakerSystemd", "SakerOutputs", "SakerMetrics", "SakerGRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "CSakerGlibcCompat",
            ],
            swiftSettings: swiftSettings
        ),
        // `make bench`, part 2: the engine on a recorded stream. Not shipped.
        .executableTarget(
            name: "saker-engine-bench",
            dependencies: ["SakerCapture", "SakerRules", "SakerState", "SakerEvent", "SakerJSON"],
            path: "Benchmarks/EngineBench",
            swiftSettings: swiftSettings
        ),
        // What several test targets share: child processes without Foundation's Process, file and
        // polling helpers. Not shipped.
        .target(name: "SakerTestSupport", path: "Tests/SakerTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "SakerOutputsTests",
            dependencies: [
                "SakerOutputs", "SakerRules", "SakerJSON", "SakerConfig", "SakerTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gRPC output with a real client on its socket, and `saker run` (SAKER_BIN) with it on.
        .testTarget(
            name: "SakerGRPCTests",
            dependencies: [
                "SakerGRPC", "SakerOutputs", "SakerRules", "SakerTestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SakerEventTests", dependencies: ["SakerEvent"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerSystemdTests", dependencies: ["SakerSystemd"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerStateTests", dependencies: ["SakerState"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerCaptureTests", dependencies: ["SakerCapture", "SakerJSON", "CSakerProbe"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerJSONTests", dependencies: ["SakerJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerYAMLTests", dependencies: ["SakerYAML"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerConfigTests", dependencies: ["SakerConfig", "SakerYAML"], swiftSettings: swiftSettings),
        .testTarget(name: "SakerRulesTests", dependencies: ["SakerRules"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SakerDefaultRulesTests",
            dependencies: ["SakerDefaultRules", "SakerRules", "SakerState", "SakerCapture", "SakerEvent"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SakerLiveTests",
            dependencies: ["SakerCapture", "SakerState", "SakerJSON", "SakerEvent", "SakerMetrics", "SakerTestSupport"],
            swiftSettings: swiftSettings),
        // Replay fixtures for each upstream stable rule: it fires with the expected output_fields, and a near miss stays quiet.
        .testTarget(
            name: "SakerConformanceTests",
            dependencies: ["SakerCapture", "SakerState", "SakerRules", "SakerEvent", "SakerJSON"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
