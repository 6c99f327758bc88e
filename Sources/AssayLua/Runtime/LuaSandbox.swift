import AssayCore
import LuaShim

/// An operation the prelude asks of the host (`LuaShim.h`, `LUASHIM_HOST_OPERATIONS`).
typealias HostOperation = LuaShim_HostOp

/// One sandboxed Lua state: the allow-listed globals only (`Sources/LuaShim/Globals.c`), text
/// chunks only, capped memory, an instruction budget that also covers the C library's loops, and
/// a wall-clock deadline. Every Lua call happens in the C shim inside `lua_pcall`, so no Lua
/// error ever unwinds through a Swift frame.
///
/// States are made here and nowhere else; ``SandboxPool`` keeps used ones and hands them out
/// again after ``reset(limits:deadline:host:)``. Not thread-safe: one state belongs to one check
/// run on one thread at a time.
final class LuaSandbox {
    /// A call of the host function by the prelude.
    struct HostCall {
        var operation: HostOperation
        var arguments: [LuaValue]
        /// The size of the encoded arguments: what the call costs the host to copy.
        var encodedBytes: Int
        /// The innermost frame of check code.
        var source: String
        var line: Int
    }

    /// What the host answers to a call.
    enum HostReply {
        case values([LuaValue])
        /// Values already encoded with ``LuaCodec/encodeList(_:)`` (the handler measured them).
        case encoded([UInt8])
        /// Raised as a Lua error at the script's current line.
        case error(String)
        /// Stops the check: raised as a Lua error, and again at every later instruction.
        case stop(String)
    }

    typealias HostHandler = (HostCall) -> HostReply

    /// Why a script was stopped.
    enum Stop: Equatable {
        case memory, instructions, deadline
        /// The host answered ``HostReply/stop(_:)``.
        case host
    }

    /// A failed run: Lua's message and, when the script was stopped, why.
    struct Failure: Error {
        var message: String
        var stop: Stop?
    }

    private final class HostBox {
        let handler: HostHandler
        init(_ handler: @escaping HostHandler) { self.handler = handler }
    }

    private let state: OpaquePointer
    private var box: HostBox

    /// A fresh state whose deadline is `deadline` (the check's, which connector calls share).
    init?(limits: SandboxLimits, deadline: Deadline, host: @escaping HostHandler) {
        let box = HostBox(host)
        let shimLimits = LuaShim_Limits(
            memory_bytes: limits.memoryBytes, instructions: limits.instructions, deadline_ns: deadline.nanoseconds)
        guard let state = LuaShim_open(shimLimits, hostTrampoline, Unmanaged.passUnretained(box).toOpaque()) else {
            return nil
        }
        self.state = state
        self.box = box
    }

    deinit { LuaShim_close(state) }

    /// Makes this state as good as new (`Sources/LuaShim/Reset.c`): the allow-listed globals and
    /// string metatable rebuilt, the registry emptied, everything the last check left collected,
    /// the counters cleared, and the new deadline and host in force. False when the state cannot
    /// be reused: drop it.
    func reset(limits: SandboxLimits, deadline: Deadline, host: @escaping HostHandler) -> Bool {
        let box = HostBox(host)
        let shimLimits = LuaShim_Limits(
            memory_bytes: limits.memoryBytes, instructions: limits.instructions, deadline_ns: deadline.nanoseconds)
        guard LuaShim_reset(state, shimLimits, hostTrampoline, Unmanaged.passUnretained(box).toOpaque()) == 0 else { return false }
        self.box = box
        return true
    }

    /// Entries of the registry (a fresh sandbox's count is the baseline tests compare with).
    var registryEntries: Int { LuaShim_registry_entries(state) }
    /// Bytes the Lua heap holds now.
    var memoryUsed: Int { LuaShim_memory_used(state) }

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

    /// Runs a chunk; its return values come back (functions as registry references). Only the
    /// prelude is run `givingHost`: it receives the host function and the operations table.
    func run(_ chunk: [UInt8], name: String, mode: ChunkMode = .text, givingHost: Bool = false) -> Result<[LuaValue], Failure> {
        var out: UnsafePointer<UInt8>?
        var length = 0
        let status = chunk.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                LuaShim_run(state, chars.baseAddress, chars.count, name, mode.shim, givingHost ? 1 : 0, &out, &length)
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
        case LuaShim_StopHost: .host
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
        _ context: UnsafeMutableRawPointer, _ operation: HostOperation, _ args: UnsafeBufferPointer<UInt8>, _ source: String,
        _ line: Int, _ reply: UnsafeMutablePointer<LuaShim_Buffer>
    ) -> LuaShim_HostStatus {
        let box = Unmanaged<HostBox>.fromOpaque(context).takeUnretainedValue()
        let answer: HostReply
        do {
            let arguments = try LuaCodec.decodeList(args)
            answer = box.handler(HostCall(operation: operation, arguments: arguments, encodedBytes: args.count, source: source, line: line))
        } catch {
            answer = .error("malformed arguments")
        }
        switch answer {
        case .values(let values):
            return append(reply, LuaCodec.encodeList(values))
        case .encoded(let bytes):
            return append(reply, bytes)
        case .error(let message):
            return append(reply, message, .error)
        case .stop(let message):
            return append(reply, message, .stop)
        }
    }

    private static func append(_ reply: UnsafeMutablePointer<LuaShim_Buffer>, _ bytes: [UInt8]) -> LuaShim_HostStatus {
        let ok = bytes.withUnsafeBytes { LuaShim_append(reply, $0.baseAddress, $0.count) }
        guard ok == 0 else {
            reply.pointee.length = 0
            return append(reply, "out of memory", .error)
        }
        return .values
    }

    private static func append(_ reply: UnsafeMutablePointer<LuaShim_Buffer>, _ message: String, _ status: LuaShim_HostStatus)
        -> LuaShim_HostStatus
    {
        var text = message
        text.withUTF8 { _ = LuaShim_append(reply, $0.baseAddress, $0.count) }
        return status
    }
}

/// The C entry point of the host function: no Lua API is called from here, only bytes move.
private let hostTrampoline: LuaShim_Host = { context, operation, args, length, source, line, reply in
    guard let context, let reply else { return .error }
    return LuaSandbox.handle(
        context, operation, UnsafeBufferPointer(start: args, count: args == nil ? 0 : length),
        source.map { String(cString: $0) } ?? "?", Int(line), reply)
}
