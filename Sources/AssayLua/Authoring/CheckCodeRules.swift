/// Assay's rules over a check's code, which luacheck cannot know: it sees `ctx` as a plain
/// argument, and no handle's kind. Each problem names the token it is about.
///
/// | code | rule |
/// |---|---|
/// | A101 | `ctx:NAME(` / `ctx.NAME` / `ctx.check.NAME`: a method or field `ctx` (or `ctx.check`) does not have |
/// | A102 | `ctx.target:NAME(` (and a handle from `ctx:targets("kind")` or `local t = ctx.target`): a method the kind's handle does not have |
/// | A103 | `ctx:fail { NAME = … }`: a field a finding does not have |
/// | A104 | `severity = "NAME"` in a finding: not a severity |
/// | A105 | an input declared in `inputs` that the code never reads with `ctx:input("name")` |
/// | A106 | `ctx:input("name")` of an input the descriptor does not declare |
/// | A107 | `ctx.component:NAME(`: a method components do not have |
///
/// `ctx` is the name the contract gives `run`'s argument (and helpers' first argument): the
/// rules follow that name. The handle of `ctx.target` is the kind of the check's first `needs`.
package enum CheckCodeRules {
    package static func problems(path: String, source: [UInt8], contract: CheckContract) -> [LintProblem] {
        let tokens = LuaTokenizer.tokens(source)
        let descriptor = DescriptorSource(tokens: tokens)
        var scan = Scan(path: path, tokens: tokens, contract: contract, targetKind: descriptor.needs.first)
        scan.run()
        var problems = scan.problems

        // Inputs: declared ones that are never read, read ones that are not declared.
        let declared = Set(descriptor.inputs.map(\.name))
        for (name, token) in descriptor.inputs where !scan.inputsRead.contains(where: { $0.name == name }) {
            problems.append(
                LintProblem(
                    path: path, line: token.line, column: token.column, code: "A105",
                    message: "input '\(name)' is declared but never read (ctx:input(\"\(name)\"))"))
        }
        if descriptor.declaration != nil {
            for (name, token) in scan.inputsRead where !declared.contains(name) {
                let hint = Suggestion.hint(for: name, in: Array(declared))
                problems.append(
                    LintProblem(
                        path: path, line: token.line, column: token.column, code: "A106",
                        message: "ctx:input(\"\(name)\") reads an input that `inputs` does not declare\(hint)"))
            }
        }
        return problems
    }

    /// One pass over the tokens, with the handles bound to local names in scope.
    private struct Scan {
        let path: String
        let tokens: [LuaToken]
        let contract: CheckContract
        let targetKind: String?
        var problems: [LintProblem] = []
        var inputsRead: [(name: String, token: LuaToken)] = []
        /// Local names bound to a handle of a kind, with the block depth they were bound at.
        var bindings: [(name: String, kind: String, depth: Int)] = []
        /// Local names bound to a list of handles (`local pgs = ctx:targets("postgres")`).
        var lists: [(name: String, kind: String, depth: Int)] = []
        var depth = 0

        init(path: String, tokens: [LuaToken], contract: CheckContract, targetKind: String?) {
            self.path = path
            self.tokens = tokens
            self.contract = contract
            self.targetKind = targetKind
        }

        func token(_ i: Int) -> LuaToken? { i >= 0 && i < tokens.count ? tokens[i] : nil }

        mutating func report(_ token: LuaToken, _ code: String, _ message: String) {
            problems.append(LintProblem(path: path, line: token.line, column: token.column, code: code, message: message))
        }

        mutating func run() {
            var i = 0
            while i < tokens.count {
                let t = tokens[i]
                if t.isName, t.text == "ctx", token(i - 1)?.is(".") != true, token(i - 1)?.is(":") != true {
                    ctxUse(at: i)
                } else if t.isName, let binding = bindings.last(where: { $0.name == t.text }), token(i + 1)?.is(":") == true,
                    let name = token(i + 2), name.isName, token(i - 1)?.is(".") != true
                {
                    handleMethod(name, kind: binding.kind)
                } else if t.isName, let list = lists.last(where: { $0.name == t.text }), token(i + 1)?.is(")") == true {
                    bindLoop(kind: list.kind, listIndex: i)
                }
                let change = LuaTableScan.depthChange(t)
                if t.kind == .keyword { depth += change }
                if change < 0, t.kind == .keyword {
                    bindings.removeAll { $0.depth > depth }
                    lists.removeAll { $0.depth > depth }
                }
                i += 1
            }
        }

        /// `ctx` at `i`: what follows it.
        mutating func ctxUse(at i: Int) {
            guard let op = token(i + 1), let name = token(i + 2), name.isName else { return }
            if op.is(":") {
                let methods = contract.contextMethods.map(\.name)
                guard methods.contains(name.text) else {
                    report(name, "A101", "ctx has no method '\(name.text)'\(Suggestion.hint(for: name.text, in: methods))")
                    return
                }
                if contract.reportingMethods.contains(name.text), let open = LuaTableScan.tableArgument(tokens, after: i + 2) {
                    finding(open: open, method: name.text)
                } else if name.text == "input", token(i + 3)?.is("(") == true, let arg = token(i + 4), arg.kind == .string {
                    inputsRead.append((arg.text, arg))
                } else if name.text == "targets", token(i + 3)?.is("(") == true, let arg = token(i + 4), arg.kind == .string,
                    token(i + 5)?.is(")") == true, contract.handle(arg.text) != nil
                {
                    bindTargets(kind: arg.text, ctxIndex: i, after: i + 5)
                }
            } else if op.is(".") {
                let fields = contract.contextFields.map(\.name)
                guard fields.contains(name.text) else {
                    report(name, "A101", "ctx has no field '\(name.text)'\(Suggestion.hint(for: name.text, in: fields))")
                    return
                }
                guard let op2 = token(i + 3), op2.is(":"), let method = token(i + 4), method.isName else {
                    if name.text == "target", token(i + 3)?.is(".") == true, let field = token(i + 4), field.isName {
                        targetField(field)
                    } else if name.text == "target", let targetKind, let local = localName(assignedAt: i) {
                        bindings.append((local, targetKind, depth))
                    } else if name.text == "check", token(i + 3)?.is(".") == true, let field = token(i + 4), field.isName {
                        let fields = contract.checkFields.map(\.name)
                        if !fields.contains(field.text) {
                            report(field, "A101", "ctx.check has no field '\(field.text)'\(Suggestion.hint(for: field.text, in: fields)) (it has: \(fields.joined(separator: ", ")))")
                        }
                    }
                    return
                }
                if name.text == "target", let targetKind {
                    handleMethod(method, kind: targetKind)
                } else if name.text == "component" {
                    let methods = contract.componentMethods.map(\.name)
                    if !methods.contains(method.text) {
                        report(
                            method, "A107", "components have no method '\(method.text)'\(Suggestion.hint(for: method.text, in: methods))")
                    }
                }
            }
        }

        mutating func targetField(_ field: LuaToken) {
            let fields = contract.targetFields.map(\.name)
            let methods = targetKind.flatMap { contract.handle($0) }?.methods.map(\.name) ?? []
            guard !fields.contains(field.text), !methods.contains(field.text) else { return }
            report(field, "A102", "targets have no field '\(field.text)'\(Suggestion.hint(for: field.text, in: fields + methods))")
        }

        mutating func handleMethod(_ name: LuaToken, kind: String) {
            guard let spec = contract.handle(kind) else { return }
            let methods = spec.methods.map(\.name)
            guard !methods.contains(name.text) else { return }
            report(
                name, "A102",
                "\(kind) targets have no method '\(name.text)'\(Suggestion.hint(for: name.text, in: methods)) (they have: \(methods.sorted().joined(separator: ", ")))"
            )
        }

        mutating func finding(open: Int, method: String) {
            let names = contract.findingFields.map(\.name)
            for field in LuaTableScan.fields(tokens, open: open).fields {
                if !names.contains(field.key.text) {
                    report(
                        field.key, "A103",
                        "unknown field '\(field.key.text)' in ctx:\(method)\(Suggestion.hint(for: field.key.text, in: names)) (a finding has: \(names.joined(separator: ", ")))"
                    )
                } else if field.key.text == "severity", let value = token(field.value), value.kind == .string,
                    !contract.severities.contains(value.text)
                {
                    report(value, "A104", SeverityText.unknown(value.text, in: contract.severities, context: "ctx:\(method)"))
                }
            }
        }

        /// `for _, NAME in ipairs(ctx:targets("kind")) do`, `local NAME = ctx:targets("kind")[n]`, and
        /// `local LIST = ctx:targets("kind")` (whose loops bind their variable).
        mutating func bindTargets(kind: String, ctxIndex i: Int, after close: Int) {
            if token(close + 1)?.is("[") == true {
                if let name = localName(assignedAt: i) { bindings.append((name, kind, depth)) }
            } else if let name = localName(assignedAt: i) {
                lists.append((name, kind, depth))
            } else {
                bindLoop(kind: kind, listIndex: i)
            }
        }

        /// `for _, NAME in ipairs(` the list at `listIndex`: binds NAME in the loop's body.
        mutating func bindLoop(kind: String, listIndex i: Int) {
            guard token(i - 1)?.is("(") == true, token(i - 2)?.text == "ipairs", token(i - 3)?.is("in") == true,
                let name = token(i - 4), name.isName
            else { return }
            // The loop's body opens with its `do`, after this call: bind one level deeper.
            bindings.append((name.text, kind, depth + 1))
        }

        /// NAME when the expression starting at `i` is assigned by `local NAME = …`.
        func localName(assignedAt i: Int) -> String? {
            guard token(i - 1)?.is("=") == true, let name = token(i - 2), name.isName, token(i - 3)?.is("local") == true else {
                return nil
            }
            return name.text
        }
    }
}

/// The message for a severity name that is not one, shared by the descriptor and finding rules.
enum SeverityText {
    static func unknown(_ name: String, in severities: [String], context: String? = nil) -> String {
        "unknown severity '\(name)'\(context.map { " in \($0)" } ?? "")\(Suggestion.hint(for: name, in: severities)) (expected one of \(severities.joined(separator: ", ")))"
    }
}
