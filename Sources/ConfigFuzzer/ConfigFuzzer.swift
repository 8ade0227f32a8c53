import RotationEngine

/// libFuzzer's entry point for the configuration parser: the input, decoded as UTF-8 the way a file is
/// read, is parsed as one configuration file. Whatever the bytes, the parser must return (diagnostics,
/// never a trap, never a hang) and keep its own invariants (`FuzzInput.check`). Built only when
/// `ROTATECTL_FUZZ` is set (see scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = FuzzInput.neutralised(bytes)
    let configuration = ConfigParser(asRoot: false).parse(text: text, file: "/fuzz/input.conf")
    FuzzInput.check(configuration, text: text)
    return 0
}

/// libFuzzer's driver (`int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`; this one hands the command line to libFuzzer.
@_cdecl("config_fuzzer_main")
public func configFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, configFuzzerTestOneInput)
}
