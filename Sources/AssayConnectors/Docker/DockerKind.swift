import AssayCore

extension TargetKind {
    /// A Docker engine.
    public static let docker: TargetKind = "docker"
}

extension TargetKindDescriptor {
    /// A Docker engine (`DockerConnector`, Engine API over the unix socket, GET only).
    public static let docker = TargetKindDescriptor(
        kind: .docker, title: "Docker engine",
        location: Location(
            form: .url(schemes: ["unix"]), valueName: "url", help: "A Docker engine, as [NAME=]unix:///path/docker.sock.",
            acceptsPassword: false),
        handle: HandleSpec([
            HandleMethod(
                "get", parameters: [HandleParameter("path", .string)], returns: "any",
                summary: "GET one read-only Engine API path (/version, /info, /containers/json?all=1, …), decoded."),
            HandleMethod("containers", returns: "table[]", summary: "Every container, running or not (/containers/json?all=1)."),
            HandleMethod(
                "container", parameters: [HandleParameter("id", .string)], returns: "table",
                summary: "One container's inspect document; secrets in its environment are redacted."),
            HandleMethod("image", parameters: [HandleParameter("id", .string)], returns: "table", summary: "One image's inspect document."),
            HandleMethod("networks", returns: "table[]", summary: "Every network."),
            HandleMethod("engine_info", operation: "info", returns: "table", summary: "The engine's /info."),
            HandleMethod("version", returns: "table", summary: "The engine's /version."),
        ]),
        testStack: TestStackHook(locationKey: "ASSAY_STACK_DOCKER_URL", script: "docker"),
        connect: { location, _, options in DockerConnector(url: location, options: options) },
        server: { ServerAddress.docker($0) },
        discovery: .fromConnector { target, ask in DockerDiscovery.candidates(of: target, ask: ask) },
        componentKinds: ["service"])
}
