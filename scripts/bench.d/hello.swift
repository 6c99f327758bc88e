// The cold-start baseline of scripts/bench: the least a Swift program does, built as
// `swiftc -O -static-stdlib`, so `assay --version` is compared with a start that costs nothing
// beyond loading a static Swift binary.
print("hello")
