import AssayConnectors
import CProcessShim
import Foundation
import Glibc

/// A worker as its supervisor sees it: the socket it speaks on, and how to stop it.
final class WorkerHandle {
    /// The supervisor's end of the worker's socket (non-blocking).
    let socket: Int32
    /// The read end of the worker process's standard error (non-blocking), or -1.
    let diagnostics: Int32
    /// The process, or nil for a worker thread.
    let pid: pid_t?

    init(socket: Int32, diagnostics: Int32, pid: pid_t?) {
        self.socket = socket
        self.diagnostics = diagnostics
        self.pid = pid
    }

    /// Stops the worker now: SIGKILL for a process; for a thread, which cannot be killed, the
    /// socket is closed, so the thread stops at the end of its current check and its output goes
    /// nowhere.
    func kill() {
        if let pid { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// How the worker ended, once its socket reached end of file: reaps the process (killing it
    /// first if it is still running, which a worker that closed its socket must not be).
    func reap() -> WorkerEnd {
        guard let pid else { return .exited(0) }
        var status: Int32 = 0
        var result = waitpid(pid, &status, WNOHANG)
        if result == 0 {
            for _ in 0..<20 {  // a worker closing its socket is exiting: give it 200 ms
                usleep(10_000)
                result = waitpid(pid, &status, WNOHANG)
                if result != 0 { break }
            }
            if result == 0 {
                _ = Glibc.kill(pid, SIGKILL)
                result = waitpid(pid, &status, 0)
            }
        }
        guard result == pid else { return .exited(-1) }
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }
}

/// How a worker process ended.
enum WorkerEnd: Equatable {
    case exited(Int32)
    case signaled(Int32)

    /// "signal 11 (SIGSEGV)", "exit status 3".
    var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal):
            let names: [Int32: String] = [
                SIGSEGV: "SIGSEGV", SIGILL: "SIGILL", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL",
                SIGXCPU: "SIGXCPU", SIGTRAP: "SIGTRAP", SIGTERM: "SIGTERM",
            ]
            return "signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
        }
    }
}

/// Starts workers.
protocol WorkerLauncher {
    func launch() -> WorkerHandle?
}

/// Workers as processes of an executable that calls ``AssayWorker/serveIfRequested(arguments:)``.
struct ProcessLauncher: WorkerLauncher {
    let executable: String
    let options: WorkerOptions

    func launch() -> WorkerHandle? {
        guard let (mine, theirs) = Descriptor.socketPair() else { return nil }
        guard let (diagnosticsRead, diagnosticsWrite) = Descriptor.pipe() else {
            Descriptor.close(mine)
            Descriptor.close(theirs)
            return nil
        }
        defer {
            Descriptor.close(theirs)
            Descriptor.close(diagnosticsWrite)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, diagnosticsWrite, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, diagnosticsWrite, STDERR_FILENO)
        posix_spawn_file_actions_adddup2(&actions, theirs, AssayWorker.socketDescriptor)
        _ = CProcessShim_add_close_from(&actions, AssayWorker.socketDescriptor + 1)

        let arguments = [executable, AssayWorker.argument] + options.arguments
        // The Swift runtime's backtracer would catch a crash and spend seconds symbolicating it
        // before the worker dies; the supervisor needs the death, and Swift's own "Fatal error"
        // line, which it prints anyway.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        var pid: pid_t = 0
        let status = withCStringArray(arguments) { argv in
            withCStringArray(environment.map { "\($0.key)=\($0.value)" }) { envp in
                posix_spawn(&pid, executable, &actions, nil, argv, envp)
            }
        }
        guard status == 0 else {
            Descriptor.close(mine)
            Descriptor.close(diagnosticsRead)
            return nil
        }
        Descriptor.setNonBlocking(mine)
        Descriptor.setNonBlocking(diagnosticsRead)
        return WorkerHandle(socket: mine, diagnostics: diagnosticsRead, pid: pid)
    }
}

/// Workers as threads of this process, for embedders that run no worker executable. They share
/// the protocol, the deadlines and the budget of worker processes, but a thread cannot be killed:
/// a check stalled in C code keeps its thread until it ends, though the run goes on without it.
struct ThreadLauncher: WorkerLauncher {
    let kinds: TargetKindRegistry
    /// The run's registry: a worker thread's connectors register what they find in it directly.
    let secrets: SecretRegistry

    func launch() -> WorkerHandle? {
        guard let (mine, theirs) = Descriptor.socketPair() else { return nil }
        let thread = Thread { [kinds, secrets] in
            WorkerLoop(fd: theirs, kinds: kinds, secrets: secrets).serve()
            Descriptor.close(theirs)
        }
        thread.stackSize = 16 << 20
        thread.start()
        Descriptor.setNonBlocking(mine)
        return WorkerHandle(socket: mine, diagnostics: -1, pid: nil)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of the strings.
private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { copies.forEach { free($0) } }
    return body(copies)
}
