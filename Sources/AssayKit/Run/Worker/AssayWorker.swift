import AssayConnectors
import CProcessShim
import Glibc

/// Lets a program serve as one of Assay's worker processes.
///
/// With ``Auditor/Isolation/workerProcesses(executable:)`` the supervisor starts the given
/// executable once per worker as `EXECUTABLE __assay-worker …`, hands it a socket, and kills it at
/// a deadline; a crash or a hang costs only the check it happened in. The executable must call
/// ``serveIfRequested(arguments:)`` first thing in `main`: when it was started as a worker, the
/// call serves and exits; otherwise it returns at once. The `assay` CLI does exactly this.
///
/// ```swift
/// @main struct Tool {
///     static func main() throws {
///         AssayWorker.serveIfRequested()
///         // … the tool's own work, which may run an Auditor with worker processes
///     }
/// }
/// ```
public enum AssayWorker {
    /// The first argument that marks a worker process.
    public static let argument = "__assay-worker"
    /// The descriptor of the socket to the supervisor in a worker process.
    static let socketDescriptor: Int32 = 3

    /// Serves as a worker and exits when `arguments[1]` is ``argument``; returns otherwise.
    /// - Parameter kinds: the target kinds this worker can audit: the same registry the
    ///   supervisor's configuration uses (``Configuration/kinds``).
    public static func serveIfRequested(arguments: [String] = CommandLine.arguments, kinds: TargetKindRegistry = .builtin) {
        guard arguments.count >= 2, arguments[1] == argument else { return }
        let options = WorkerOptions(arguments: Array(arguments.dropFirst(2)))
        confine(options)
        WorkerLoop(fd: socketDescriptor, kinds: kinds).serve()
        exit(0)
    }

    /// Limits this process before it reads anything untrusted: it dies with its supervisor, never
    /// writes a core file, maps at most its memory limit, uses at most its CPU limit, and whatever
    /// it prints on standard output lands in the supervisor's diagnostics instead of the protocol.
    private static func confine(_ options: WorkerOptions) {
        _ = CProcessShim_set_parent_death_signal(SIGKILL)
        if getppid() == 1 { exit(1) }  // the supervisor died before the signal was armed
        setLimit(RLIMIT_CORE.rawValue, 0)
        if options.memoryBytes > 0 { setLimit(RLIMIT_DATA.rawValue, rlim_t(options.memoryBytes)) }
        if options.cpuSeconds > 0 { setLimit(RLIMIT_CPU.rawValue, rlim_t(options.cpuSeconds)) }
        _ = dup2(STDERR_FILENO, STDOUT_FILENO)
    }

    private static func setLimit(_ resource: UInt32, _ value: rlim_t) {
        let resource = __rlimit_resource_t(resource)
        var limit = rlimit(rlim_cur: value, rlim_max: value)
        var current = rlimit()
        if getrlimit(resource, &current) == 0, current.rlim_max != rlim_t.max, current.rlim_max < value {
            limit = rlimit(rlim_cur: current.rlim_max, rlim_max: current.rlim_max)
        }
        _ = setrlimit(resource, &limit)
    }
}

/// The limits a supervisor gives a worker on its command line.
struct WorkerOptions: Equatable {
    var memoryBytes: Int = 0
    var cpuSeconds: Int = 0

    init(memoryBytes: Int, cpuSeconds: Int) {
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
    }

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next().flatMap { Int($0) } ?? 0
            switch flag {
            case "--memory-bytes": memoryBytes = value
            case "--cpu-seconds": cpuSeconds = value
            default: break
            }
        }
    }

    var arguments: [String] { ["--memory-bytes", String(memoryBytes), "--cpu-seconds", String(cpuSeconds)] }
}
