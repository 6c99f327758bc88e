import AssayCore

/// The contract between a check file and the host, in one place (as Nmap's `nse_main.lua` does):
/// which fields a descriptor has, which are required, and what each must hold.
enum DescriptorValidator {
    static let required = ["id", "title", "severity", "category", "needs", "run"]
    static let optional = ["tags", "references", "remediation", "description", "inputs", "component", "aliases"]

    /// The kinds of component a rule may judge (`component = "pgbouncer"`).
    static let componentKinds = ["postgres", "pgbouncer", "redis", "service"]

    /// Upper-case words of letters and digits joined by dashes: `PGB-CLIENT-IDLE`.
    static func isValidID(_ id: String) -> Bool {
        let words = id.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = words.first?.first, first.isUppercase || first.isNumber else { return false }
        return words.allSatisfy { word in
            !word.isEmpty && word.allSatisfy { ($0.isUppercase && $0.isASCII) || ($0.isNumber && $0.isASCII) }
        }
    }

    /// Lower-case words joined by dashes: `pool-efficiency`.
    static func isValidCategory(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { ($0.isLowercase && $0.isASCII) || ($0.isNumber && $0.isASCII) || $0 == "-" }
    }

    /// The first line that calls `assay.check` outside a comment, or 1.
    static func declarationLine(_ script: CheckScript) -> Int {
        let needle = Array("assay.check".utf8)
        for (index, line) in script.source.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let code = line.drop(while: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            if !code.starts(with: Array("--".utf8)), code.firstRange(of: needle) != nil { return index + 1 }
        }
        return 1
    }

    /// Validates a descriptor table; returns the check, or every problem found.
    /// - Parameter kinds: the target kinds `needs` may name; nil accepts any well-formed kind name.
    static func validate(_ value: LuaValue, script: CheckScript, kinds: [TargetKind]? = nil) -> Result<Check, CheckLoadError> {
        guard case .table = value, case .integer(let hostLine)? = value["__line"] else {
            let problem = CheckProblem(
                location: SourceLocation(path: script.path, line: 0),
                message: "the file must end with `return assay.check { ... }` (it returned \(value.typeName))")
            return .failure(CheckLoadError([problem]))
        }
        // `return assay.check {…}` is a tail call, so Lua often knows no caller line: find it in the text.
        let location = SourceLocation(path: script.path, line: hostLine > 0 ? Int(hostLine) : declarationLine(script))
        // Where each field is written, so that a problem with one is reported on its line (read
        // only when there is a problem: a valid descriptor costs nothing more).
        var source: DescriptorSource?
        var problems: [CheckProblem] = []
        /// A problem with `field` (its key, or with `atValue` its value), else with the declaration.
        func problem(_ field: String?, atValue: Bool = false, _ message: String) {
            let written = source ?? DescriptorSource(source: script.source)
            source = written
            let token = field.flatMap { atValue ? (written.values[$0] ?? written.keys[$0]) : written.keys[$0] }
            problems.append(
                CheckProblem(
                    location: SourceLocation(path: script.path, line: token?.line ?? location.line), message: message,
                    column: token?.column ?? written.declaration.flatMap { $0.line == location.line ? $0.column : nil } ?? 0))
        }

        for key in value.stringKeys where key != "__line" && !required.contains(key) && !optional.contains(key) {
            problem(key, "unknown field '\(key)'\(Suggestion.hint(for: key, in: required + optional)) (known fields: \((required + optional).joined(separator: ", ")))")
        }
        if case .table(let pairs) = value, pairs.contains(where: { $0.key.stringValue == nil }) {
            problem(nil, "descriptor fields must be named (id = ..., title = ...)")
        }

        func string(_ key: String, required isRequired: Bool) -> String? {
            switch value[key] {
            case .string(let s)? where !s.isEmpty: return s
            case nil, .nil?:
                if isRequired { problem(nil, "missing required field '\(key)'") }
                return nil
            case let other?:
                problem(key, atValue: true, "field '\(key)' must be a non-empty string, not \(other.typeName)")
                return nil
            }
        }

        func strings(_ key: String) -> [String] {
            switch value[key] {
            case nil, .nil?: return []
            case .string(let s)?: return [s]
            case let table? where table.json.arrayValue != nil:
                let items = table.json.arrayValue!.compactMap(\.stringValue)
                if items.count != table.json.arrayValue!.count { problem(key, atValue: true, "field '\(key)' must be a list of strings") }
                return items
            case let other?:
                problem(key, atValue: true, "field '\(key)' must be a list of strings, not \(other.typeName)")
                return []
            }
        }

        let id = string("id", required: true)
        if let id, !isValidID(id) {
            problem("id", atValue: true, "id '\(id)' must be upper-case words joined by dashes, like PGB-CLIENT-IDLE")
        }
        let title = string("title", required: true)
        let severityName = string("severity", required: true)
        let severity = severityName.flatMap(Severity.init(rawValue:))
        if let severityName, severity == nil {
            problem("severity", atValue: true, SeverityText.unknown(severityName, in: Severity.allCases.map(\.rawValue)))
        }
        let category = string("category", required: true)
        if let category, !isValidCategory(category) {
            problem("category", atValue: true, "category '\(category)' must be lower-case words joined by dashes, like pool-efficiency")
        }
        var needs: [TargetKind] = []
        let kindList = kinds.map { $0.map(\.rawValue).joined(separator: ", ") } ?? "target kind names"
        if value["needs"] == nil || value["needs"].map({ if case .nil = $0 { true } else { false } }) == true {
            problem(nil, "missing required field 'needs' (one or more of \(kindList))")
        } else {
            for name in strings("needs") {
                if TargetKind.isValidName(name), kinds?.contains(TargetKind(name)) ?? true {
                    needs.append(TargetKind(name))
                } else {
                    let hint = Suggestion.hint(for: name, in: kinds?.map(\.rawValue) ?? [])
                    problem("needs", atValue: true, "unknown target kind '\(name)' in needs\(hint) (expected \(kindList))")
                }
            }
            if needs.isEmpty, problems.isEmpty { problem("needs", "field 'needs' must name at least one target kind") }
        }
        let component = string("component", required: false)
        if let component, !componentKinds.contains(component) {
            problem("component", atValue: true, "unknown component kind '\(component)' (expected one of \(componentKinds.joined(separator: ", ")))")
        }
        let aliases = strings("aliases")
        for alias in aliases where !isValidID(alias) {
            problem("aliases", atValue: true, "alias '\(alias)' must be upper-case words joined by dashes, like PGBINI-CLIENT-IDLE")
        }
        let tags = strings("tags")
        let references = strings("references")
        let remediation = string("remediation", required: false) ?? ""
        let description = string("description", required: false) ?? ""
        var declared: [String: JSONValue] = [:]
        switch value["inputs"] {
        case nil, .nil?: break
        case let table? where table.json.objectValue != nil: declared = table.json.objectValue!
        case let other?: problem("inputs", atValue: true, "field 'inputs' must be a table of name = default, not \(other.typeName)")
        }
        var hasRun = false
        switch value["run"] {
        case .function?: hasRun = true
        case nil, .nil?: problem(nil, "missing required field 'run' (a function(ctx))")
        case let other?: problem("run", atValue: true, "field 'run' must be a function, not \(other.typeName)")
        }

        guard problems.isEmpty, let id, let title, let severity, let category, hasRun else {
            return .failure(CheckLoadError(problems))
        }
        let descriptor = CheckDescriptor(
            id: id, title: title, severity: severity, category: category, needs: needs, tags: tags,
            references: references, remediation: remediation, description: description, source: location, component: component,
            aliases: aliases)
        return .success(Check(descriptor: descriptor, script: script, declaredInputs: declared))
    }
}
