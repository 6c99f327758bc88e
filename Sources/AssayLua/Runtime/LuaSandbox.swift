import AssayCore
import LuaShim

/// One sandboxed Lua state: base, string, table, math and utf8 only, text chunks only, capped
/// memory, an instruction budget and a wall-clock deadline. Every Lua call happens in the C shim
/// inside `lua_pcall`, so no Lua error ever unwinds through a Swift frame.
///
/// Not thread-safe: one state belongs to one check run on one thread.
final class LuaSandbox {
    /// What the host answers to a call of `__assay_host(...)` from Lua.
    enum HostReply {
        case values([LuaValue])
        /// Raised as a Lua error at the script's current line.
        case error(String)
    }

    typealias HostHandler = (_ arguments: [LuaValue], _ source: String, _ line: Int) -> HostReply

    /// Why the host stopped a script.
    enum Stop: Equatable {
        case memory, instructions, deadline
    }

    /// A failed run: Lua's message and, when the host stopped the script, why.
    struct Failure: Error {
        var message: String
        var stop: Stop?
    }

    private final class HostBox {
        let handler: HostHandler
        init(_ handler: @escaping HostHandler) { self.handler = handler }
    }

    private let state: OpaquePointer
    private let box: HostBox

    init?(limits: SandboxLimits, host: @escaping HostHandler) {
        let box = HostBox(host)
        let deadline = Deadline.after(limits.timeout)
        let shimLimits = LuaShim_Limits(
            memory_bytes: limits.memoryBytes, instructions: limits.instructions, deadline_ns: deadline.nanoseconds)
        guard let state = LuaShim_open(shimLimits, hostTrampoline, Unmanaged.passUnretained(box).toOpaque()) else {
            return nil
        }
        self.state = state
        self.box = box
    }

    deinit { LuaShim_close(state) }

    /// How a chunk is read: source text (the only form accepted from files), source text whose
    /// compiled form is kept (``compiledChunk``), or such a compiled form.
    enum ChunkMode {
        case text, textKeepingCompiled, compiled

        var shim: LuaShim_ChunkMode {
            switch self {
            case .text: LuaShim_Text
            case .textKeepingCompiled: LuaShim_TextKeepCompiled
            case .compiled: LuaShim_Compiled
            }
        }
    }

    /// Runs a chunk; its return values come back (functions as registry references).
    func run(_ chunk: [UInt8], name: String, mode: ChunkMode = .text) -> Result<[LuaValue], Failure> {
        var out: UnsafePointer<UInt8>?
        var length = 0
        let status = chunk.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                LuaShim_run(state, chars.baseAddress, chars.count, name, mode.shim, &out, &length)
            }
        }
        return result(status, out, length)
    }

    /// The compiled form of the last chunk run with ``ChunkMode/textKeepingCompiled``.
    var compiledChunk: [UInt8] {
        var out: UnsafePointer<UInt8>?
        var length = 0
        LuaShim_compiled(state, &out, &length)
        return Array(UnsafeBufferPointer(start: out, count: out == nil ? 0 : length))
    }

    /// Calls a function held by reference.
    func call(_ function: Int32, _ arguments: [LuaValue]) -> Result<[LuaValue], Failure> {
        var out: UnsafePointer<UInt8>?
        var length = 0
        let encoded = LuaCodec.encodeList(arguments)
        let status = encoded.withUnsafeBufferPointer { args in
            LuaShim_call(state, function, args.baseAddress, args.count, &out, &length)
        }
        return result(status, out, length)
    }

    var stop: Stop? {
        switch LuaShim_stop_reason(state) {
        case LuaShim_StopMemory: .memory
        case LuaShim_StopInstructions: .instructions
        case LuaShim_StopDeadline: .deadline
        default: nil
        }
    }

    var instructions: UInt64 { LuaShim_instructions(state) }
    var memoryPeak: Int { LuaShim_memory_peak(state) }

    private func result(_ status: Int32, _ out: UnsafePointer<UInt8>?, _ length: Int) -> Result<[LuaValue], Failure> {
        let bytes = UnsafeBufferPointer(start: out, count: out == nil ? 0 : length)
        guard status == 0 else {
            return .failure(Failure(message: String(decoding: bytes, as: UTF8.self), stop: stop))
        }
        do {
            return .success(try LuaCodec.decodeList(bytes))
        } catch {
            return .failure(Failure(message: "malformed value from the Lua state", stop: stop))
        }
    }

    fileprivate static func handle(
        _ context: UnsafeMutableRawPointer, _ args: UnsafeBufferPointer<UInt8>, _ source: String, _ line: Int,
        _ reply: UnsafeMutablePointer<LuaShim_Buffer>
    ) -> Int32 {
        let box = Unmanaged<HostBox>.fromOpaque(context).takeUnretainedValue()
        let answer: HostReply
        do {
            answer = box.handler(try LuaCodec.decodeList(args), source, line)
        } catch {
            answer = .error("malformed arguments")
        }
        switch answer {
        case .values(let values):
            let bytes = LuaCodec.encodeList(values)
            let ok = bytes.withUnsafeBytes { LuaShim_append(reply, $0.baseAddress, $0.count) }
            return ok == 0 ? 0 : append(reply, "out of memory")
        case .error(let message):
            return append(reply, message)
        }
    }

    private static func append(_ reply: UnsafeMutablePointer<LuaShim_Buffer>, _ message: String) -> Int32 {
        var text = message
        text.withUTF8 { _ = LuaShim_append(reply, $0.baseAddress, $0.count) }
        return 1
    }
}

/// The C entry point of `__assay_host`: no Lua API is called from here, only bytes move.
private let hostTrampoline: LuaShim_Host = { context, args, length, source, line, reply in
    guard let context, let reply else { return 1 }
    return LuaSandbox.handle(
        context, UnsafeBufferPointer(start: args, count: args == nil ? 0 : length),
        source.map { String(cString: $0) } ?? "?", Int(line), reply)
}
