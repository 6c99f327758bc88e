import AssayCore

/// Everything Assay knows about one kind of target, declared once: its name and title, how a
/// target of it is written (a URL or a folder) on the command line and in `assay.yaml`, how its
/// connector is made, which server's connection budget it uses, the methods of its Lua handle,
/// and how the test stack provides one.
///
/// The command-line flags, `assay.yaml` parsing, the connector factory, the Lua handles and the
/// test harness are all derived from the descriptors of a ``TargetKindRegistry``. Adding a kind
/// is one folder (its connector and its descriptor) plus one line in
/// ``TargetKindRegistry/builtin`` — see `docs/adding-a-target-kind.md`.
public struct TargetKindDescriptor: Sendable {
    /// How a target of the kind is written.
    public struct Location: Sendable {
        public enum Form: Sendable, Hashable {
            /// A URL (or a libpq `key=value` string) with one of these schemes.
            case url(schemes: [String])
            /// A folder on this machine (`path:` in `assay.yaml`, resolved against its folder).
            case folder
        }

        public var form: Form
        /// The flag's value name in help (`url`, `dir`).
        public var valueName: String
        /// The flag's help, e.g. "A PostgreSQL server, as [NAME=]URL (libpq URL or key=value string)."
        public var help: String
        /// Whether `password_env` / `password_file` apply.
        public var acceptsPassword: Bool

        public init(form: Form, valueName: String, help: String, acceptsPassword: Bool) {
            self.form = form
            self.valueName = valueName
            self.help = help
            self.acceptsPassword = acceptsPassword
        }

        /// The `assay.yaml` key that holds the location.
        public var yamlKey: String { form == .folder ? "path" : "url" }
    }

    /// How the test stack (`scripts/stack`) provides a target of this kind.
    public struct TestStackHook: Sendable, Hashable {
        /// The `stack.env` key of the target's location.
        public var locationKey: String
        /// The `stack.env` key of its password, if it needs one beside the location.
        public var passwordKey: String?
        /// `scripts/stack.d/kinds/<script>.sh`, which starts and stops its server.
        public var script: String?

        public init(locationKey: String, passwordKey: String? = nil, script: String? = nil) {
            self.locationKey = locationKey
            self.passwordKey = passwordKey
            self.script = script
        }
    }

    public var kind: TargetKind
    /// "PostgreSQL server", for help texts and reports.
    public var title: String
    public var location: Location
    /// The methods of its Lua handle.
    public var handle: HandleSpec
    public var testStack: TestStackHook?
    private let connect: @Sendable (_ location: String, _ password: String?, _ options: ConnectorOptions) -> any Connector
    private let server: @Sendable (_ location: String) -> String?
    private let check: @Sendable (_ location: String) -> String?
    private let problems: @Sendable (_ operation: String, _ answer: JSONValue) -> (JSONValue, [AnswerProblem])
    /// How the kind finds the components its targets take part in.
    public let discovery: Discovery

    /// How discovery asks a target's connector: an operation and its arguments, the answer or nil.
    public typealias Ask = (_ operation: String, _ arguments: [JSONValue]) -> JSONValue?

    /// How a kind finds the components its targets take part in (``ComponentCandidate``s), which
    /// grouping then matches into the run's components.
    public enum Discovery: Sendable {
        /// Its targets are in no component.
        case none
        /// From the target's location alone (a live server: its port), in the supervisor.
        case fromLocation(@Sendable (_ target: TargetInfo, _ location: String) -> [ComponentCandidate])
        /// By asking the target (a folder's files, an engine's containers): in a worker, like a check,
        /// before the checks run; its calls are memoized and recorded like theirs.
        case fromConnector(@Sendable (_ target: TargetInfo, _ ask: Ask) -> [ComponentCandidate])
    }

    /// The kinds of component its targets can take part in (what discovery may find): the built-in
    /// checks of those kinds' folders are loaded whenever a target of this kind is audited.
    public var componentKinds: [String]

    /// - Parameters:
    ///   - connect: makes the connector for a location (opening no connection yet).
    ///   - server: the server whose connection budget a target uses (`host:port`, a socket path),
    ///     or nil when it opens no connection.
    ///   - check: why a location cannot be audited at all (checked before the run), or nil.
    ///   - problems: splits the parts of an answer the connector could not read (a file that does
    ///     not parse) from the rest; each becomes an `error` finding of the check that asked.
    ///   - discovery: how it finds the components its targets take part in.
    ///   - componentKinds: the kinds of component it may find (whose checks are then loaded).
    public init(
        kind: TargetKind, title: String, location: Location, handle: HandleSpec, testStack: TestStackHook?,
        connect: @escaping @Sendable (_ location: String, _ password: String?, _ options: ConnectorOptions) -> any Connector,
        server: @escaping @Sendable (_ location: String) -> String?,
        check: @escaping @Sendable (_ location: String) -> String? = { _ in nil },
        problems: @escaping @Sendable (_ operation: String, _ answer: JSONValue) -> (JSONValue, [AnswerProblem]) = { ($1, []) },
        discovery: Discovery = .none, componentKinds: [String] = []
    ) {
        self.kind = kind
        self.title = title
        self.location = location
        self.handle = handle
        self.testStack = testStack
        self.connect = connect
        self.server = server
        self.check = check
        self.problems = problems
        self.discovery = discovery
        self.componentKinds = componentKinds
    }

    /// The connector for a target of this kind (it connects on its first call).
    public func makeConnector(location: String, password: String?, options: ConnectorOptions) -> any Connector {
        connect(location, password, options)
    }

    /// The server whose connection budget a target at `location` uses.
    public func server(of location: String) -> String? { server(location) }

    /// Why a target at `location` cannot be audited at all, or nil.
    public func problem(with location: String) -> String? { check(location) }

    /// The answer a check sees, and the parts of it that could not be read.
    public func splitProblems(operation: String, answer: JSONValue) -> (JSONValue, [AnswerProblem]) {
        problems(operation, answer)
    }

    /// The command-line flag: `--postgres`.
    public var flag: String { "--" + kind.rawValue }
}

/// A part of a connector's answer that could not be read, e.g. a configuration file with a syntax
/// error: the resource, and what is wrong with it (naming file and line, never a value).
public struct AnswerProblem: Hashable, Sendable {
    public var resource: String
    public var message: String

    public init(resource: String, message: String) {
        self.resource = resource
        self.message = message
    }
}
