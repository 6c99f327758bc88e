import ArgumentParser
import AssayKit

/// `assay`: audits PostgreSQL, PgBouncer, Redis, Docker and their configuration files with
/// sandboxed Lua checks, and issues signed certifications.
struct AssayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Audit the infrastructure a web stack stands on and issue a signed certification.",
        discussion: """
            Exit codes: 0 the run completed and the policy passed (verify, history: it holds); 1 the policy \
            failed or a finding at or above --fail-on is open (verify, history: it does not hold); 2 usage \
            or configuration error; 3 an output could not be written; 4 the run did not complete (a deadline, \
            a crashed worker, a cancellation: some checks did not run; the outputs say which); 5 another run \
            holds the output folder's lock. NO_COLOR turns colours off; they are only ever used on a terminal.
            """,
        version: AssayVersion.current,
        subcommands: [Run.self, Checks.self, Keygen.self, Verify.self, Diff.self, History.self, Completions.self]
    )
}

/// Exit codes, as the README documents them.
enum AssayExit {
    static let policyFailed = ExitCode(1)
    static let usage = ExitCode(2)
    static let outputFailed = ExitCode(3)
    static let incomplete = ExitCode(4)
    static let locked = ExitCode(5)
}

@main
enum Main {
    static func main() {
        AssayWorker.serveIfRequested()
        Style.configure()
        do {
            var command = try AssayCommand.parseAsRoot()
            try command.run()
        } catch let error as ConfigurationError {
            Terminal.error(error.description)
            AssayCommand.exit(withError: AssayExit.usage)
        } catch let error as OutputError {
            Terminal.error(error.description)
            AssayCommand.exit(withError: error.code == .locked ? AssayExit.locked : AssayExit.outputFailed)
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
