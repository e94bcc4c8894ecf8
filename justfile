# Each recipe mirrors a step of .ci/run.

# The README's test command: the whole suite.
test:
    cargo test --workspace --exclude services-ec2 --features aws-session/metrics

# EC2's typed crate against moto (left out of `test`: a 15-minute, 8 GiB debug build).
test-ec2:
    cargo test -p services-ec2 --test moto

# rustfmt check and clippy with warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --exclude services-ec2 --features aws-session/metrics --all-targets -- -D warnings

# API docs, with rustdoc warnings as errors.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --exclude services-ec2 --no-deps

# The inspector against the sample files in examples/aws (not your own ~/.aws).
demo:
    cargo build -p session-cli
    env -i HOME=/nonexistent PATH="$PATH" AWS_CONFIG_FILE=examples/aws/config AWS_SHARED_CREDENTIALS_FILE=examples/aws/credentials AWS_PROFILE=dev target/debug/session config

# Benchmarks (not part of CI: figures go in docs/performance.md).
bench:
    cargo bench --workspace

# The README's main job: a tour against a local emulator.
tour:
    cargo run --example tour

# boto3's resource-guide tasks against a local emulator (CI runs it too).
resources:
    cargo run -p aws-session --features metrics --example resources

# Regenerate crates/services-*/src/generated/ from models/ (CI checks it is up to date).
codegen:
    cargo run -p session-codegen

# The CI step: fails when the generated code differs from what the models give.
codegen-check:
    cargo run -p session-codegen -- --check

# Vendored AWS models (models/, the model pack, the endpoint test cases) from botocore's and
# boto3's PyPI releases; needs PyPI. `just models --check` writes nothing, fails on a difference.
models *ARGS:
    python3 tools/models/models.py {{ARGS}}

# Side by side: raw hyper, hyper + aws-sigv4 + quick-xml, and ours, each in its own process
# against one canned server; prints the table for docs/performance.md and redraws
# docs/performance-chart.svg (`just side-by-side --json`, `--quick`, `--rounds N`).
side-by-side *ARGS:
    cargo run --release -p side-by-side -- --chart docs/performance-chart.svg {{ARGS}}

# Memory with ten dynamic clients open, beside the pinned boto3 with the same ten
# (installed into the target dir, not the machine's Python); docs/performance.md.
dyn-rss:
    pip install -q --target "${CARGO_TARGET_DIR:-target}/boto3-1.44.8" boto3==1.44.8 botocore==1.43.67
    PYTHONPATH="${CARGO_TARGET_DIR:-target}/boto3-1.44.8" cargo bench -p session-dynamic --bench dyn_rss

# Fuzz one target (fuzz/fuzz_targets/) for SECONDS on one core, growing fuzz/corpus/TARGET
# from the repo's test data; needs nightly and `cargo install cargo-fuzz` (docs/fuzzing.md).
fuzz TARGET SECONDS="60":
    python3 fuzz/seeds.py fuzz/seeds > /dev/null
    cd fuzz && cargo +nightly fuzz run -O -a {{TARGET}} corpus/{{TARGET}} seeds/{{TARGET}} -- -jobs=1 -workers=1 -max_total_time={{SECONDS}} -rss_limit_mb=4096

# Every fuzz target in turn, SECONDS each.
fuzz-all SECONDS="60":
    for t in profile response error_body eventstream endpoints sigv4_diff; do just fuzz $t {{SECONDS}} || exit 1; done

# The long run: one target for RUNS executions (default 10 M) without AddressSanitizer
# (the fuzzed code has no `unsafe`; ASan makes it 20-30x slower), debug assertions on.
fuzz-runs TARGET RUNS="10000000":
    python3 fuzz/seeds.py fuzz/seeds > /dev/null
    cd fuzz && cargo +nightly fuzz run -O -a -s none {{TARGET}} corpus/{{TARGET}} seeds/{{TARGET}} -- -jobs=1 -workers=1 -runs={{RUNS}} -rss_limit_mb=4096 -print_final_stats=1

# Minimize a target's committed corpus (keeps only inputs that add coverage).
fuzz-cmin TARGET:
    cd fuzz && cargo +nightly fuzz cmin -O -a {{TARGET}} corpus/{{TARGET}}

# Soak: a million SendMessage calls against an in-process server with 1% resets and 1%
# 503s; checks accounting, RSS and fds (`just soak --calls 100000`).
soak *ARGS:
    cargo run --release -p soak -- {{ARGS}}
