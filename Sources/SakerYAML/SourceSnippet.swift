/// The `file:line:column: severity: message` form every Saker diagnostic prints, with the
/// source line and a caret under the column. Shared by rules and configuration diagnostics.
public enum SourceSnippet {
    /// `file:line:column` (just `file` when there is no line).
    public static func location(file: String, line: Int, column: Int) -> String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }

    /// `header`, then the source line and a caret under `column`. Tabs before the column are kept
    /// in the caret line so the caret lines up in a terminal. Without a source line (or a line
    /// number), only `header`. No trailing newline.
    public static func render(header: String, sourceLine: String?, line: Int, column: Int) -> String {
        guard let sourceLine, line > 0 else { return header }
        var caret = ""
        var count = 0
        for character in sourceLine {
            if count >= column - 1 { break }
            caret.append(character == "\t" ? "\t" : " ")
            count += 1
        }
        while count < column - 1 {
            caret.append(" ")
            count += 1
        }
        return header + "\n" + sourceLine + "\n" + caret + "^"
    }
}
