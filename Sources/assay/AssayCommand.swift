import ArgumentParser
import AssayKit

/// `assay`: audits PostgreSQL, PgBouncer, Redis, Docker and their configuration files with
/// sandboxed Lua checks, and issues signed certifications.
struct AssayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Audit the infrastructure a web stack stands on and issue a signed certification.",
        discussion: """
            Exit codes: 0 the run completed and the policy passed; 1 the policy failed, a finding \
            at or above --fail-on is open, or a verification failed; 2 usage or configuration error; \
            3 an output could not be written.
            """,
        version: AssayVersion.current,
        subcommands: [Run.self, Checks.self, Keygen.self, Verify.self, Diff.self]
    )
}

/// Exit codes, as the README documents them.
enum AssayExit {
    static let policyFailed = ExitCode(1)
    static let usage = ExitCode(2)
    static let outputFailed = ExitCode(3)
}

@main
enum Main {
    static func main() {
        AssayWorker.serveIfRequested()
        do {
            var command = try AssayCommand.parseAsRoot()
            try command.run()
        } catch let error as ConfigurationError {
            Terminal.error(error.description)
            AssayCommand.exit(withError: AssayExit.usage)
        } catch let error as OutputError {
            Terminal.error(error.description)
            AssayCommand.exit(withError: AssayExit.outputFailed)
        } catch {
            let code = AssayCommand.exitCode(for: error)
            if code == .validationFailure {
                Terminal.error(AssayCommand.fullMessage(for: error))
                AssayCommand.exit(withError: AssayExit.usage)
            }
            AssayCommand.exit(withError: error)
        }
    }
}

extension Severity: ExpressibleByArgument {}
