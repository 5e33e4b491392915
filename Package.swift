// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "AccessConsole",
    platforms: [.macOS(.v15)],  // Mutex (Synchronization) needs macOS 15
    products: [
        .executable(name: "access-console", targets: ["AccessConsole"]),
        .library(name: "AccessCore", targets: ["AccessCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.70.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "CNCurses",
            cSettings: [.define("_XOPEN_SOURCE_EXTENDED"), .define("NCURSES_WIDECHAR", to: "1")],
            linkerSettings: [.linkedLibrary("ncursesw")]
        ),
        .target(
            name: "AccessCore",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(
            name: "AccessSandbox",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "AccessDaemon",
            dependencies: [
                "AccessCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "ConsoleUI",
            dependencies: ["AccessCore", "CNCurses"]
        ),
        .target(
            name: "AccessBench",
            dependencies: ["AccessCore", "ConsoleUI", "AccessSandbox"]
        ),
        .executableTarget(
            name: "AccessConsole",
            dependencies: [
                "AccessCore", "AccessDaemon", "ConsoleUI", "AccessSandbox", "AccessBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "AccessCoreTests", dependencies: ["AccessCore", "AccessSandbox"]),
        .testTarget(name: "DaemonTests", dependencies: ["AccessCore", "AccessDaemon", "AccessSandbox"]),
        .testTarget(name: "ConsoleUITests", dependencies: ["ConsoleUI", "AccessCore", "AccessSandbox"]),
    ],
    swiftLanguageModes: [.v6]
)
