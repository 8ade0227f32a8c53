import Testing
@testable import RotationEngine

@Suite struct IntegrationSmokeTests {
    @Test func directoryHandleOpensTmp() throws {
        let dir = try DirectoryHandle.open("/tmp")
        #expect(try dir.status().kind == .directory)
    }
}
