import AssayCore
import Foundation

extension TargetKind {
    /// A folder of configuration files.
    public static let files: TargetKind = "files"
}

extension TargetKindDescriptor {
    /// A folder of configuration files (`FilesConnector`).
    public static let files = TargetKindDescriptor(
        kind: .files, title: "configuration folder",
        location: Location(
            form: .folder, valueName: "dir", help: "A folder of configuration files to audit, as [NAME=]DIR.",
            acceptsPassword: false),
        handle: HandleSpec([
            HandleMethod(
                "configs", parameters: [HandleParameter("kind", .string)], returns: "table[]",
                summary: "The parsed files of one kind (pgbouncer, userlist, redis, postgresql, hba, dotenv, compose), "
                    + "each {path, kind, meta, data}; files that do not parse are error findings already."),
            HandleMethod(
                "file", parameters: [HandleParameter("path", .string)], returns: "table",
                summary: "The metadata of one file: {path, exists, type, mode, mode_octal, owner, group, uid, gid, size}."),
            HandleMethod("list", returns: "table[]", summary: "Every recognised file of the folder, {path, kind}, sorted by path."),
        ]),
        testStack: TestStackHook(locationKey: "ASSAY_STACK_FILES_DIR", script: "files"),
        connect: { location, _, _ in FilesConnector(root: location) },
        server: { _ in nil },
        check: { location in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) && isDirectory.boolValue
                ? nil : "\(location) is not a folder"
        },
        problems: { operation, answer in
            guard operation == "configs", case .array(let documents) = answer else { return (answer, []) }
            return FilesConnector.splitUnreadable(documents)
        },
        discovery: .fromConnector { target, ask in FilesDiscovery.candidates(of: target, ask: ask) },
        componentKinds: ["postgres", "pgbouncer", "redis", "service"])
}

extension FilesConnector {
    /// Documents that could not be read or parsed become problems; the check sees only the others.
    static func splitUnreadable(_ documents: [JSONValue]) -> (JSONValue, [AnswerProblem]) {
        var readable: [JSONValue] = []
        var problems: [AnswerProblem] = []
        for document in documents {
            if let error = document["error"] {
                let path = document["path"]?.stringValue ?? "?"
                let line = error["line"]?.intValue ?? 0
                let message = error["message"]?.stringValue ?? "cannot be parsed"
                problems.append(AnswerProblem(resource: path, message: line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)"))
            } else {
                readable.append(document)
            }
        }
        return (.array(readable), problems)
    }
}
