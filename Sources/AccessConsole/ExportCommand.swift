import AccessCore
import ArgumentParser
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print every user of a script (or of all) as CSV or JSON, from master data.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The script's pine id, or its title when no other script has it.") var script: String?
    @Flag(help: "Every configured script.") var all = false
    @Option(help: "csv (UTF-8 with a byte order mark, for spreadsheets) or json.") var format = "csv"

    func validate() throws {
        guard (script != nil) != all else { throw ValidationError("give --script ID or --all") }
        guard ["csv", "json"].contains(format) else { throw ValidationError("--format is csv or json") }
    }

    func run() async throws {
        let runtime = try openRuntime(global)
        let script = try resolveScript(self.script, runtime)
        let loaded = try await runAction { try runtime.loadScripts() }
        let scripts = loaded.filter { script == nil || $0.scriptId == script }
        let rows = AccessExport.rows(scripts, now: Date())
        if format == "json" {
            printJSON(rows)
        } else {
            FileHandle.standardOutput.write(Data(("\u{FEFF}" + AccessExport.csv(rows)).utf8))
        }
    }
}
