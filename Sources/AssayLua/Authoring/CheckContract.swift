import AssayCore

/// What a check may use, gathered from where each part is enforced: the sandbox's allow-list of
/// globals (`Sources/LuaShim/Globals.c`), the prelude's `assay.*` helpers and `ctx` and component
/// methods (`prelude.lua`, with their `---` docs), the finding fields and severities
/// (`FindingRecorder`, ``Severity``), the descriptor fields (`DescriptorValidator`) and each target
/// kind's handle (its ``HandleSpec``).
///
/// The check author's kit derives everything from this one value: the luacheck standard and the
/// code rules of `assay checks lint`, and the editor definitions of `assay checks types`.
package struct CheckContract: Sendable {
    /// A function or method a check may call, with its parameter names and its documentation.
    package struct Function: Hashable, Sendable {
        package var name: String
        package var parameters: [String]
        package var summary: String
    }

    /// A field of a table a check reads or writes.
    package struct Field: Hashable, Sendable {
        package var name: String
        /// Its type, in Lua Language Server notation (`string`, `table`, `assay.Severity`).
        package var type: String
        package var summary: String
    }

    /// Base-library globals (`pairs`, `_VERSION`) and the prelude's (`print`).
    package var globals: [String]
    /// The allowed fields of each library table: `string` → `byte`, `find`, ….
    package var libraries: [(name: String, fields: [String])]
    /// `assay.check` and the helpers.
    package var helpers: [Function]
    /// The fields of `ctx`.
    package var contextFields: [Field]
    /// `ctx:pass(...)`, `ctx:input(...)`, ….
    package var contextMethods: [Function]
    /// The methods of a component (`ctx.component`, `ctx:components(kind)`).
    package var componentMethods: [Function]
    /// The fields of `ctx.check` (`id`, `title`, `severity`, `category`).
    package var checkFields: [Field]
    /// The plain fields of every target handle (`name`, `kind`, `address`).
    package var targetFields: [Field]
    /// The fields of a finding table (`ctx:fail { message = ... }`).
    package var findingFields: [Field]
    /// The `ctx` methods that report a finding.
    package var reportingMethods: [String]
    /// `critical` … `info`.
    package var severities: [String]
    /// The fields of a descriptor (`assay.check { id = ... }`): required first.
    package var descriptorFields: [Field]
    /// Each target kind's handle, sorted by kind.
    package var handles: [(kind: TargetKind, spec: HandleSpec)]

    /// The handle of a kind, if the contract has it.
    package func handle(_ kind: String) -> HandleSpec? { handles.first { $0.kind.rawValue == kind }?.spec }

    /// The contract of this build's sandbox and prelude, with the given kinds' handles
    /// (`TargetKindRegistry.builtin.handles`).
    package static func current(handles: [TargetKind: HandleSpec]) -> CheckContract {
        let prelude = PreludeDeclarations(source: String(decoding: Prelude.source, as: UTF8.self))
        var globals: [String] = []
        var libraries: [(name: String, fields: [String])] = []
        for entry in SandboxGlobals.all {
            let parts = entry.qualifiedName.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 1 {
                globals.append(parts[0])
            } else if let index = libraries.firstIndex(where: { $0.name == parts[0] }) {
                libraries[index].fields.append(parts[1])
            } else {
                libraries.append((parts[0], [parts[1]]))
            }
        }
        globals += SandboxGlobals.fromPrelude.filter { $0 != "assay" }.sorted()
        return CheckContract(
            globals: globals, libraries: libraries, helpers: prelude.functions(of: "assay", separator: "."),
            contextFields: [
                Field(name: "target", type: "assay.Target", summary: "The target this run is for: its handle, with its kind's methods."),
                Field(name: "check", type: "assay.CheckInfo", summary: "{id, title, severity, category} of this check."),
                Field(
                    name: "component", type: "assay.Component?",
                    summary: "The component a component rule judges (nil for a target check)."),
            ],
            contextMethods: prelude.functions(of: "Context", separator: ":"),
            componentMethods: prelude.functions(of: "Component", separator: ":"),
            checkFields: CheckRunner.checkInfo.map { Field(name: $0.name, type: $0.name == "severity" ? "assay.Severity" : "string", summary: "") },
            targetFields: [
                Field(name: "name", type: "string", summary: "The target's name."),
                Field(name: "kind", type: "string", summary: "Its kind: files, postgres, pgbouncer, redis, docker."),
                Field(name: "address", type: "string", summary: "Its address, without any password."),
            ],
            findingFields: FindingRecorder.findingFields.sorted().map { name in
                Field(name: name, type: findingFieldTypes[name]?.type ?? "any", summary: findingFieldTypes[name]?.summary ?? "")
            },
            reportingMethods: Status.reportable.map(\.rawValue).sorted(),
            severities: Severity.allCases.map(\.rawValue),
            descriptorFields: (DescriptorValidator.required + DescriptorValidator.optional).map { name in
                Field(name: name, type: descriptorFieldTypes[name] ?? "any", summary: "")
            },
            handles: handles.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Types and documentation of the finding fields FindingRecorder accepts.
    static let findingFieldTypes: [String: (type: String, summary: String)] = [
        "message": ("string", "Specific and readable, with the values read (fail and error need one)."),
        "resource": ("string", "What inside the target: `path#key`, `setting/<name>`, `container/<name>`."),
        "evidence": ("table", "The facts behind the message: values read, file and line, thresholds."),
        "remediation": ("string", "What to do when it depends on what was found (default: the descriptor's)."),
        "severity": ("assay.Severity", "Replaces the descriptor's severity for this finding."),
    ]

    static let descriptorFieldTypes: [String: String] = [
        "id": "string", "title": "string", "severity": "assay.Severity", "category": "string", "needs": "string[]",
        "run": "fun(ctx: assay.Context)", "tags": "string[]", "references": "string[]", "remediation": "string",
        "description": "string", "inputs": "table<string, any>", "component": "string", "aliases": "string[]",
    ]
}

/// The functions the prelude declares, read from its text: `function assay.name(a, b)`,
/// `assay.name = local_function`, `function Context:name(a)`, each with the `---` lines above it.
struct PreludeDeclarations {
    let lines: [Substring]

    init(source: String) { lines = source.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The `---` comment lines right above line `index`, joined.
    private func doc(above index: Int) -> String {
        var parts: [String] = []
        var i = index - 1
        while i >= 0, lines[i].hasPrefix("---") {
            parts.insert(String(lines[i].dropFirst(3).drop(while: { $0 == " " })), at: 0)
            i -= 1
        }
        return parts.joined(separator: " ")
    }

    private static func parameters(_ text: Substring) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
    }

    /// `owner.name` (separator `.`) or `owner:name` (`:`) functions, in the order declared.
    func functions(of owner: String, separator: Character) -> [CheckContract.Function] {
        var found: [CheckContract.Function] = []
        var locals: [String: (parameters: [String], line: Int)] = [:]
        for (index, line) in lines.enumerated() {
            if let match = line.wholeMatch(of: /local function (\w+)\(([^)]*)\).*/) {
                locals[String(match.1)] = (Self.parameters(match.2), index)
            }
            if let match = line.wholeMatch(of: /function (\w+)([.:])(\w+)\(([^)]*)\).*/), match.1 == owner,
                match.2.first == separator
            {
                found.append(.init(name: String(match.3), parameters: Self.parameters(match.4), summary: doc(above: index)))
            } else if separator == ".", let match = line.wholeMatch(of: /(\w+)\.(\w+) = (\w+)/), match.1 == owner,
                let local = locals[String(match.3)]
            {
                found.append(.init(name: String(match.2), parameters: local.parameters, summary: doc(above: local.line)))
            }
        }
        return found
    }
}

extension Substring {
    var trimmingSpaces: String { String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()) }
}

extension CheckContract {
    /// Whether `id` is a valid check id: upper-case words of letters and digits joined by dashes.
    package static func isValidID(_ id: String) -> Bool { DescriptorValidator.isValidID(id) }
}
