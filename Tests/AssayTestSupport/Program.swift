import Foundation

/// Runs programs to their end, as the tests' independent hands and witnesses (`psql`, `redis-cli`,
/// the `docker` CLI, `openssl`, the `assay` executable).
///
/// Standard output and standard error are read at the same time, so that a program filling one
/// pipe cannot block while the test waits on the other.
///
/// ```swift
/// let pong = try Program.output("/usr/bin/redis-cli", ["-p", "6379", "PING"])    // "PONG"
/// let run = try Program.run("/usr/bin/env", ["docker", "version"])                 // status, stdout, stderr
/// ```
public enum Program {
    /// What a program left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        /// Empty when errors went to standard output (`errorsToOutput`).
        public var stderr: String

        /// Standard output without the white space and newlines around it.
        public var text: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Runs `path` with `arguments` and waits for it to end, whatever its exit status.
    ///
    /// - Parameters:
    ///   - input: written to its standard input, then closed (nothing: /dev/null).
    ///   - environment: its whole environment (nil: the test's own).
    ///   - directory: its working directory (nil: the test's own).
    ///   - errorsToOutput: one pipe for both streams, interleaved as written, in `stdout`.
    public static func run(
        _ path: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
        directory: String? = nil, errorsToOutput: Bool = false
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errorsToOutput ? output : errors
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        if let input {
            try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let errorData = ReadInBackground(errorsToOutput ? nil : errors.fileHandleForReading)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
            stderr: String(decoding: errorData.wait(), as: UTF8.self))
    }

    /// Runs a program that must succeed and returns its standard output without the white space
    /// around it; a non-zero exit throws ``TestFailure`` with the program's standard error.
    @discardableResult
    public static func output(
        _ path: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil
    ) throws -> String {
        let result = try run(path, arguments, input: input, environment: environment)
        guard result.status == 0 else {
            // `setpriv … /usr/bin/psql` and `env docker` are named after the program they run.
            let name = URL(fileURLWithPath: arguments.first(where: { $0.hasPrefix("/") }) ?? path).lastPathComponent
            throw TestFailure("\(name) exited with \(result.status): \(result.stderr)")
        }
        return result.text
    }
}

/// Reads a pipe to its end on a thread of its own; `wait()` hands the bytes over.
private final class ReadInBackground: @unchecked Sendable {  // `data` is written before `done` signals
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle?) {
        guard let handle else {
            done.signal()
            return
        }
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
