// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rotatectl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rotatectl", targets: ["rotatectl"]),
        .library(name: "RotationEngine", targets: ["RotationEngine"]),
        .library(name: "RotatectlWriter", targets: ["RotatectlWriter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "CRotatectlShim"),
        .target(
            name: "RotationEngine",
            dependencies: [
                "CZlib", "CDeflate", "CZstd", "CRotatectlShim",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.define("ROTATECTL_FAULT_INJECTION", .when(configuration: .debug))]
        ),
        .target(
            name: "RotatectlWriter",
            dependencies: ["CRotatectlShim", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "rotatectl",
            dependencies: [
                "RotationEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "example-writer",
            dependencies: ["RotatectlWriter", .product(name: "Logging", package: "swift-log")],
            path: "examples/writers/swift"
        ),
        .target(name: "TestSupport", dependencies: ["RotationEngine"], path: "Tests/TestSupport"),
        .testTarget(name: "RotationEngineTests", dependencies: ["RotationEngine", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "RotatectlIntegrationTests",
            dependencies: ["RotationEngine", "RotatectlWriter", "rotatectl", "example-writer", "TestSupport"]
        ),
    ]
)

// The libFuzzer target of the configuration parser, only when asked for (scripts/fuzz.sh):
// ROTATECTL_FUZZ=1 swift build --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address ...
if Context.environment["ROTATECTL_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "config-fuzzer", dependencies: ["RotationEngine"],
                                             path: "Sources/ConfigFuzzer"))
}
