#!/usr/bin/env bash
# Regenerates Sources/SakerGRPC/Generated/*.swift from the .proto files beside this script.
# Run by hand after changing a .proto; CI builds the committed output and never runs this.
#
# Needs protoc (Debian: apt-get install protobuf-compiler, which also ships the well-known types
# such as google/protobuf/timestamp.proto) and the two plugins, built outside this repository
# at the versions Package.swift uses:
#   git clone --branch 2.4.1 https://github.com/grpc/grpc-swift-protobuf /work/tools/grpc-swift-protobuf
#   cd /work/tools/grpc-swift-protobuf
#   swift build --product protoc-gen-grpc-swift-2 && swift build --product protoc-gen-swift
# PLUGINS names the folder holding protoc-gen-swift and protoc-gen-grpc-swift-2.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../Generated"
plugins="${PLUGINS:-/work/tools/grpc-swift-protobuf/.build/debug}"

mkdir -p "$out"
protoc --proto_path="$here" \
  --plugin=protoc-gen-swift="$plugins/protoc-gen-swift" \
  --swift_out="$out" --swift_opt=Visibility=Public \
  --plugin=protoc-gen-grpc-swift-2="$plugins/protoc-gen-grpc-swift-2" \
  --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Public,Server=true,Client=true \
  schema.proto outputs.proto
rm -f "$out/schema.grpc.swift"   # schema.proto has no service: an empty file
echo "generated: $(cd "$out" && ls)"
