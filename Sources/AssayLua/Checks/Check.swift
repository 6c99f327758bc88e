import AssayCore

/// A check whose script loaded and whose descriptor is valid.
public struct Check: Hashable, Sendable {
    public var descriptor: CheckDescriptor
    public var script: CheckScript
    /// Parameters the check declares (`inputs = { warn_percent = 90 }`), with their defaults.
    public var declaredInputs: [String: JSONValue]

    public init(descriptor: CheckDescriptor, script: CheckScript, declaredInputs: [String: JSONValue] = [:]) {
        self.descriptor = descriptor
        self.script = script
        self.declaredInputs = declaredInputs
    }

    public var id: String { descriptor.id }
}
