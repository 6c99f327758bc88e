import AssayCore
import AssayKit
import AssayLua
import Testing

@Suite("The built-in check library")
struct BuiltinLibraryTests {
    /// A check lives in the folder of the first kind it needs; a component rule in its component kind's.
    @Test func everyCheckLoadsAndLivesInTheFolderOfItsFirstKind() throws {
        let scripts = try CheckCatalog.builtinScripts()
        let (checks, problems) = CheckLoader.loadAll(scripts)
        #expect(problems.isEmpty, "\(problems)")
        #expect(checks.count == scripts.count)
        #expect(checks.count >= 100)
        for check in checks {
            let folder = check.script.path.split(separator: "/").dropFirst().first.map(String.init)
            let expected = check.descriptor.component ?? check.descriptor.needs.first?.rawValue
            #expect(folder == expected, "\(check.script.path) needs \(check.descriptor.needs), judges \(check.descriptor.component ?? "a target")")
        }
    }

    @Test func onlyTheKindsAtHandAreLoaded() throws {
        let files = try CheckCatalog.builtinScripts(kinds: [.files])
        #expect(!files.isEmpty)
        #expect(files.allSatisfy { $0.path.hasPrefix("builtin/files/") })
        #expect(try CheckCatalog.builtinScripts(kinds: []).isEmpty)
    }
}
