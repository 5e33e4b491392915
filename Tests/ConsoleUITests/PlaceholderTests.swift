import Testing
@testable import ConsoleUI
@Test func consoleModuleLoads() { #expect(String(describing: ConsoleUIPlaceholder.self) == "ConsoleUIPlaceholder") }
