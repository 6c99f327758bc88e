// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Assay",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AssayKit", targets: ["AssayKit"]),
        .executable(name: "assay", targets: ["assay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    ],
    targets: [
        // MARK: - System libraries (Debian: liblua5.4-dev, libpq-dev, libhiredis-dev, libcurl4-openssl-dev)
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "LuaShim", dependencies: ["CLua"]),
        .target(name: "CProcessShim"),

        // MARK: - Assay modules
        .target(name: "AssayCore"),
        // The prelude is a real Lua file, embedded as bytes (PackageResources.prelude_lua).
        .target(name: "AssayLua", dependencies: ["AssayCore", "LuaShim"], resources: [.embedInCode("Lua/prelude.lua")]),
        .target(
            name: "AssayConnectors",
            dependencies: ["AssayCore", "CLibPQ", "CHiredis", "CCurl", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "AssayReport", dependencies: ["AssayCore"]),
        .target(
            name: "AssayCertify",
            dependencies: [
                "AssayCore", "AssayReport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "AssayKit",
            dependencies: [
                "AssayCore", "AssayLua", "AssayConnectors", "AssayReport", "AssayCertify", "CLibPQ", "CProcessShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The fuzzing harness (a command, not CI time): scripts/fuzz.
        .target(name: "AssayFuzzing", dependencies: ["AssayKit", "AssayConnectors", "AssayCore", "AssayCertify"]),
        .executableTarget(
            name: "assay-fuzz",
            dependencies: ["AssayFuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "assay",
            dependencies: [
                "AssayKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ]
        ),

        // MARK: - Tests
        .target(name: "AssayTestSupport", path: "Tests/AssayTestSupport"),
        // Measures a check run's cost and runs one check for tests that watch the host from outside.
        .executableTarget(name: "SandboxProbe", dependencies: ["AssayCore", "AssayLua", "AssayConnectors"], path: "Tests/SandboxProbe"),
        .executableTarget(
            name: "assay-reply-probe", dependencies: ["AssayConnectors", "AssayCore", "AssayTestSupport"],
            path: "Tests/AssayReplyProbe"),
        .testTarget(name: "AssayCoreTests", dependencies: ["AssayCore"]),
        .testTarget(name: "AssayLuaTests", dependencies: ["AssayLua", "AssayConnectors", "AssayTestSupport", "SandboxProbe"]),
        .testTarget(name: "AssayConnectorsTests", dependencies: ["AssayConnectors", "AssayTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AssayCertifyTests", dependencies: ["AssayCertify", "AssayTestSupport"]),
        .testTarget(name: "AssayReportTests", dependencies: ["AssayReport"]),
        .testTarget(name: "AssayKitTests", dependencies: ["AssayKit", "AssayTestSupport", "AssayFuzzing"], exclude: ["Fixtures"]),
        .testTarget(name: "AssayCLITests", dependencies: ["AssayTestSupport", "assay"]),
    ]
)
