import AssayConnectors
import AssayCore

/// Registers the credentials a run was given with its ``SecretRegistry``, before anything connects:
/// the target's URL or connection string, the password from `password_env` or `password_file`,
/// libpq's `PGPASSWORD` and pass file, and assay.yaml inputs under secret-looking names.
enum CredentialRegistration {
    /// - Parameter password: the password resolved from `password_env` or `password_file`, if any.
    static func register(_ target: TargetConfiguration, password: String?, in registry: SecretRegistry) {
        let reading = GivenCredentials.read(location: target.location, kind: target.kind)
        for credential in reading.credentials {
            registry.registerCredential(credential.value, target: target.name, source: credential.source, names: reading.names)
        }
        if let password {
            let source = target.passwordEnv.map { "password_env \($0)" } ?? target.passwordFile.map { "password_file \($0)" }
            registry.registerCredential(password, target: target.name, source: source ?? "the configuration", names: reading.names)
        }
        if target.kind == .postgres || target.kind == .pgbouncer, password == nil, reading.credentials.isEmpty {
            for credential in GivenCredentials.libpqEnvironment(location: target.location) {
                registry.registerCredential(credential.value, target: target.name, source: credential.source, names: reading.names)
            }
        }
    }

    /// Inputs whose names are secret (`api_token: …`): a check may be given them, so outputs must not show them.
    static func registerInputs(of configuration: Configuration, in registry: SecretRegistry) {
        let all = [configuration.inputs] + configuration.checkInputs.values.map { $0 }
        for inputs in all {
            for (name, value) in inputs where SecretRedaction.isSecretKey(name) {
                if let text = value.stringValue { registry.registerFound(text) }
            }
        }
    }
}
