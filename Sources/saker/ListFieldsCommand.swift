import ArgumentParser
import SakerRules

struct ListFieldsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-fields",
        abstract: "List the fields rule conditions and outputs can use.",
        discussion: "Prints every supported field with its type and meaning (what `falco --list` prints for syscall fields).")

    @Flag(name: .long, help: "Print a Markdown table (as in docs/rules.md).")
    var markdown = false

    func run() {
        if markdown {
            print(FieldRegistry.markdownTable, terminator: "")
            return
        }
        for field in FieldRegistry.all {
            let padded = field.name.count < 28 ? field.name + String(repeating: " ", count: 28 - field.name.count) : field.name + " "
            print("\(padded)\(field.description)")
        }
    }
}
