import AccessCore
import ArgumentParser
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the budgets of DESIGN.md and print them as a table (make bench).")
    func run() async throws {
        print("bench: not wired yet")
    }
}
