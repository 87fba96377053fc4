// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Descent",
    products: [
        .library(name: "Descent", targets: ["Descent"]),
        .executable(name: "bench", targets: ["bench"]),
        .executable(name: "descent", targets: ["DescentCommand"]),
        // Distributed fits and exact solves across MPI ranks (Open MPI); `import Descent` needs no MPI.
        .library(name: "DescentMPI", targets: ["DescentMPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        // scipy's .npz files are zip archives: read and written with ZIPFoundation (zlib on Linux).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The single C boundary: CBLAS and LAPACKE from Debian's OpenBLAS and LAPACKE packages.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
        ),
        // AVX-512 gradient kernels, chosen at run time (function attributes, no -m flags); they won
        // in the bench (Sources/Descent/Descent.docc/Performance.md). Imported by one Swift file.
        .target(
            name: "CDescentKernels",
            path: "Sources/CDescentKernels"
        ),
        .target(
            name: "Descent",
            dependencies: ["COpenBLAS", "CDescentKernels", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Sources/Descent"
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "Descent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/bench"
        ),
        // The command line: fit, solve, predict, verify on CSV and .npy files.
        .executableTarget(
            name: "DescentCommand",
            dependencies: ["Descent", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/DescentCommand"
        ),
        // The fuzzing harness for the file parsers (Scripts/fuzz); not a product.
        .executableTarget(
            name: "descent-fuzz",
            dependencies: ["Descent"],
            path: "Tests/Fuzz",
            exclude: ["Corpus"]
        ),
        // Open MPI for DescentMPI: its header, and getters for the handles Swift cannot import.
        .systemLibrary(
            name: "CMPI",
            path: "Sources/CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]
        ),
        .target(
            name: "DescentMPI",
            dependencies: ["Descent", "CMPI"],
            path: "Sources/DescentMPI"
        ),
        // The checker Scripts/test runs under mpirun (Scripts/test-mpi); not a product.
        .executableTarget(
            name: "descent-mpi-check",
            dependencies: ["Descent", "DescentMPI"],
            path: "Tests/MPICheck"
        ),
        // Scripts/bench-mpi runs it under mpirun: a distributed epoch and solve, and the collectives.
        .executableTarget(
            name: "bench-mpi",
            dependencies: ["Descent", "DescentMPI"],
            path: "Benchmarks/bench-mpi"
        ),
        .testTarget(
            name: "DescentTests",
            dependencies: ["Descent"],
            path: "Tests/DescentTests",
            resources: [.copy("Resources")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
