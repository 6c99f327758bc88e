import AssayCore

extension LuaValue {
    /// A kind's handle declaration as the prelude reads it: a list of methods, each
    /// `{name, op, fixed = {…}, params = {{name, type, optional, variadic}…}, result = {shape, …}}`.
    init(handle spec: HandleSpec) {
        self = .array(spec.methods.map { method in
            var result: [(key: LuaValue, value: LuaValue)] = []
            switch method.result {
            case .answer: result = [(key: "shape", value: "answer")]
            case .rowsAsMap(let key, let value): result = [(key: "shape", value: "map"), (key: "key", value: .string(key)), (key: "value", value: .string(value))]
            case .memberField(let field): result = [(key: "shape", value: "field"), (key: "field", value: .string(field))]
            }
            return .table([
                (key: "name", value: .string(method.name)),
                (key: "op", value: .string(method.operation)),
                (key: "fixed", value: .array(method.fixedArguments.map(LuaValue.init))),
                (key: "params", value: .array(method.parameters.map { parameter in
                    .table([
                        (key: "name", value: .string(parameter.name)), (key: "type", value: .string(parameter.type.rawValue)),
                        (key: "optional", value: .boolean(parameter.isOptional)), (key: "variadic", value: .boolean(parameter.isVariadic)),
                    ])
                })),
                (key: "result", value: .table(result)),
            ])
        })
    }
}
