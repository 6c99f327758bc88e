import AssayCore

/// A check whose script loaded and whose descriptor is valid.
public struct Check: Hashable, Sendable {
    public var descriptor: CheckDescriptor
    public var script: CheckScript
    /// Parameters the check declares (`inputs = { warn_percent = 90 }`), with their defaults.
    public var declaredInputs: [String: JSONValue]
    /// The script compiled when it loaded, so that each run loads it without parsing it again.
    var compiled: [UInt8]

    public init(descriptor: CheckDescriptor, script: CheckScript, declaredInputs: [String: JSONValue] = [:]) {
        self.init(descriptor: descriptor, script: script, declaredInputs: declaredInputs, compiled: [])
    }

    init(descriptor: CheckDescriptor, script: CheckScript, declaredInputs: [String: JSONValue], compiled: [UInt8]) {
        self.descriptor = descriptor
        self.script = script
        self.declaredInputs = declaredInputs
        self.compiled = compiled
    }

    public var id: String { descriptor.id }
}
