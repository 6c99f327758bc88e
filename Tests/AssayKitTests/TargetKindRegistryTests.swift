import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// A target kind is declared once, in the registry; every place that needs to know the kinds is
/// derived from it. These tests fail when a kind is missing from one of those places.
@Suite("Target kinds are declared once")
struct TargetKindRegistryTests {
    /// A kind this test adds through the registry alone: a server that answers `ping` with `pong`.
    final class EchoConnector: Connector {
        let kind: TargetKind = "echo"
        let address: String
        init(address: String) { self.address = address }
        func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
            guard operation == "ping" else { throw ConnectorError(.refused, "echo: no operation \(operation)") }
            return ["answer": "pong", "to": arguments.first ?? .null]
        }
        func close() {}
    }

    static let echo = TargetKindDescriptor(
        kind: "echo", title: "echo server",
        location: .init(form: .url(schemes: ["echo"]), valueName: "url", help: "An echo server, as [NAME=]echo://host.", acceptsPassword: false),
        handle: HandleSpec([
            HandleMethod("ping", parameters: [HandleParameter("word", .string, optional: true)], summary: "Asks for a pong.")
        ]),
        testStack: .init(locationKey: "ASSAY_STACK_DIR"),
        connect: { location, _, _ in EchoConnector(address: location) },
        server: { _ in nil })

    static let registry = TargetKindRegistry.builtin.adding(echo)

    /// A check that lists, for its target's kind, which declared methods its handle has and what a
    /// method it lacks says.
    static func handleProbe(_ kind: TargetKind, methods: [String]) -> String {
        let names = methods.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            return assay.check {
              id = "HANDLE-\(kind.rawValue.uppercased())", title = "t", severity = "info", category = "assay", needs = { "\(kind.rawValue)" },
              run = function(ctx)
                local found = {}
                for _, name in ipairs({ \(names) }) do
                  if type(ctx.target[name]) == "function" then found[#found + 1] = name end
                end
                local ok, err = pcall(function() return ctx.target:no_such_method() end)
                ctx:pass { message = table.concat(found, ",") .. "|" .. tostring(ok) .. "|" .. err }
              end,
            }
            """
    }

    static func lines(_ kind: TargetKindDescriptor) -> String {
        kind.handle.methods.map(\.name).sorted().joined(separator: ", ")
    }

    @Test(arguments: TargetKindRegistry.builtin.descriptors.map(\.kind) + ["echo"])
    func everyKindIsInEveryDerivedPlace(kind: TargetKind) throws {
        let descriptor = try #require(Self.registry[kind])
        // The command line: help and parsing.
        #expect(TargetFlags.help(Self.registry).contains("\(descriptor.flag) <\(descriptor.location.valueName)>"))
        let flagged = try TargetFlags.parse([descriptor.flag, "x=/somewhere"], kinds: Self.registry)
        #expect(flagged.map(\.kind) == [kind] && flagged.map(\.name) == ["x"])
        // assay.yaml.
        let key = descriptor.location.yamlKey
        let configuration = try Configuration.parse(
            "targets:\n  - { name: one, kind: \(kind.rawValue), \(key): \"/somewhere\" }\n", kinds: Self.registry)
        #expect(configuration.targets.map(\.kind) == [kind])
        // The Lua handle: every declared method, and nothing else.
        let probe = try TemporaryFolder(["probe.lua": Self.handleProbe(kind, methods: descriptor.handle.methods.map(\.name))])
        defer { probe.remove() }
        let transcript = Transcript(
            tool: .init(name: "assay", version: "test"), targets: [TargetInfo(name: "one", kind: kind, address: "x")], entries: [])
        let result = try Auditor(configuration: Configuration(checkPaths: [probe.path], builtinChecks: false, kinds: Self.registry))
            .run(replaying: transcript)
        let message = try #require(result.report.findings.first { $0.checkID == "HANDLE-\(kind.rawValue.uppercased())" }?.message)
        let declared = descriptor.handle.methods.map(\.name)
        #expect(message.hasPrefix(declared.joined(separator: ",") + "|false|"), "\(message)")
        #expect(message.hasSuffix("\(kind.rawValue) targets have no method 'no_such_method' (they have: \(Self.lines(descriptor)))"), "\(message)")
        // The test harness: where the stack provides one, and the hook that starts it.
        if let hook = descriptor.testStack {
            if LiveStack.isAvailable { #expect(try CheckHarness.stackTarget(kind, kinds: Self.registry).kind == kind) }
            if let script = hook.script { #expect(Self.hookScripts.contains(script), "no scripts/stack.d/kinds/NN-\(script).sh") }
        }
    }

    static var hookScripts: [String] {
        let folder = RepositoryPaths.root.appendingPathComponent("scripts/stack.d/kinds").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".sh") }.compactMap {
            $0.split(separator: "-", maxSplits: 1).last.map { String($0.dropLast(3)) }
        }
    }

    @Test func everyStackHookBelongsToARegisteredKind() {
        let declared = Set(TargetKindRegistry.builtin.descriptors.compactMap { $0.testStack?.script })
        #expect(Set(Self.hookScripts) == declared)
    }

    @Test func aKindAddedThroughTheRegistryAloneIsAudited() throws {
        let check = try TemporaryFolder(["ping.lua": """
            return assay.check {
              id = "ECHO-PING", title = "The echo server answers", severity = "low", category = "availability", needs = { "echo" },
              run = function(ctx)
                local answer = ctx.target:ping("hello")
                ctx:pass { message = answer.answer .. " to " .. answer.to }
              end,
            }
            """])
        defer { check.remove() }
        var configuration = Configuration(checkPaths: [check.path], builtinChecks: false, kinds: Self.registry)
        configuration.targets = try TargetFlags.parse(["--echo", "echo://here"], kinds: Self.registry)
        let result = try Auditor(configuration: configuration).run()
        #expect(result.report.findings.map(\.message) == ["pong to hello"])
        #expect(result.report.targets.map(\.kind) == ["echo"])
    }
}
