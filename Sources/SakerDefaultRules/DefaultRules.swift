/// Saker's default ruleset: Falco-language rules for an ordinary Linux host, embedded in the
/// binary at build time from `saker_rules.yaml` (the source of truth, beside this file).
///
/// ```swift
/// var loader = RuleLoader()
/// loader.load(text: DefaultRules.text, name: DefaultRules.fileName)
/// ```
///
/// The file is also installed as `/usr/share/saker/rules/saker_rules.yaml`; operators extend it
/// with their own files loaded after it (`append`/`override` on its lists and macros).
public enum DefaultRules {
    /// The name the ruleset goes by in diagnostics and on disk.
    public static let fileName = "saker_rules.yaml"

    /// The ruleset's YAML text, exactly as in `saker_rules.yaml`.
    ///
    /// SwiftPM's `.embedInCode` resource turns the file into a byte array at build time
    /// (`PackageResources.saker_rules_yaml`), so no `Bundle`, Foundation or file lookup is needed.
    public static var text: String { decoded }

    private static let decoded = String(decoding: PackageResources.saker_rules_yaml, as: UTF8.self)
}
