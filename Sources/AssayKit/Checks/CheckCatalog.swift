import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// Finds check scripts: the built-in library and the folders a user adds.
public enum CheckCatalog {
    /// The built-in checks: `$ASSAY_BUILTIN_CHECKS`, or `checks/` of the package this library was
    /// built from.
    public static var builtinDirectory: String {
        if let override = ProcessInfo.processInfo.environment["ASSAY_BUILTIN_CHECKS"], !override.isEmpty { return override }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("checks").path
    }

    /// The built-in scripts, named `builtin/<kind>/<file>.lua` in reports. A built-in check lives
    /// in the folder of the first kind it needs (a test holds the library to that), so `kinds`
    /// limits loading to the checks that can run on the targets at hand.
    public static func builtinScripts(
        kinds: Set<TargetKind>? = nil, registry: TargetKindRegistry = .builtin
    ) throws(ConfigurationError) -> [CheckScript] {
        let all = try scripts(at: builtinDirectory, displayPrefix: "builtin")
        guard let kinds else { return all }
        return all.filter { script in
            let folder = TargetKind(script.path.split(separator: "/").dropFirst().first.map(String.init) ?? "")
            return kinds.contains(folder) || !registry.kinds.contains(folder)
        }
    }

    /// Every `.lua` file under `path` (or `path` itself), sorted. Paths are shown as given, or
    /// under `displayPrefix` when one is set.
    public static func scripts(at path: String, displayPrefix: String? = nil) throws(ConfigurationError) -> [CheckScript] {
        try scriptFiles(at: path, displayPrefix: displayPrefix).map(\.script)
    }

    /// As ``scripts(at:displayPrefix:)``, each with the file it was read from. Examples folders
    /// (`ID.test/`, see ``CheckExamples``) are not searched.
    public static func scriptFiles(at path: String, displayPrefix: String? = nil) throws(ConfigurationError) -> [(file: String, script: CheckScript)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError("no such check file or folder: \(path)")
        }
        var files: [(absolute: String, shown: String)] = []
        if isDirectory.boolValue {
            let root = URL(fileURLWithPath: path).standardized.path
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let relative = enumerator?.nextObject() as? String {
                guard relative.hasSuffix(".lua"), !relative.split(separator: "/").contains(where: { $0.hasSuffix(".test") }) else { continue }
                let shown = displayPrefix.map { "\($0)/\(relative)" } ?? (path.hasSuffix("/") ? path + relative : path + "/" + relative)
                files.append((root + "/" + relative, shown))
            }
        } else {
            files.append((path, displayPrefix.map { "\($0)/\(URL(fileURLWithPath: path).lastPathComponent)" } ?? path))
        }
        files.sort { $0.shown < $1.shown }
        var result: [(file: String, script: CheckScript)] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.absolute) else {
                throw ConfigurationError("cannot read check file \(file.shown)")
            }
            result.append((file.absolute, CheckScript(path: file.shown, source: Array(data))))
        }
        return result
    }
}
