# syntax=docker/dockerfile:1
#
# mantelmonitor: release build on rust:1-bookworm, run on debian:bookworm-slim as a non-root
# user. It needs a PostgreSQL 15+ database (DATABASE_URL) and MANTELMONITOR_JWT_SECRET
# (>= 32 bytes); the embedded-Postgres default is for development machines, not this image.
#   docker build -t mantelmonitor .
#   docker run --rm -p 8080:8080 -e DATABASE_URL=... -e MANTELMONITOR_JWT_SECRET=... mantelmonitor
#   docker run --rm -e DATABASE_URL=... mantelmonitor init --organisation ... --admin-email ... --json

FROM rust:1-bookworm AS builder
WORKDIR /build

# Dependencies first, in their own layer: it is rebuilt only when a Cargo.toml or
# Cargo.lock changes, not on every source edit. Stubs stand in for the workspace's crates
# (the HTTP crate at the root; domain, store and embedded-pg under crates/).
COPY Cargo.toml Cargo.lock ./
COPY crates/domain/Cargo.toml crates/domain/
COPY crates/embedded-pg/Cargo.toml crates/embedded-pg/
COPY crates/store/Cargo.toml crates/store/
RUN mkdir -p src crates/domain/src crates/embedded-pg/src crates/store/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch crates/domain/src/lib.rs crates/embedded-pg/src/lib.rs crates/store/src/lib.rs \
    && cargo build --release --locked \
    && cargo clean --release --locked -p mantelmonitor -p mantelmonitor-domain \
        -p mantelmonitor-embedded-pg -p mantelmonitor-store \
    && rm -rf src crates

# The real sources (migrations/ and openapi/ included: they may be embedded at compile time).
# `cargo clean -p` above removed the stubs' artifacts, so the crates are always rebuilt here.
COPY . .
RUN cargo build --release --locked \
    && install -m 0755 target/release/mantelmonitor /usr/local/bin/mantelmonitor


FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 mantelmonitor \
    && useradd --system --uid 10001 --gid mantelmonitor \
        --home-dir /var/lib/mantelmonitor --create-home --shell /usr/sbin/nologin mantelmonitor

COPY --from=builder /usr/local/bin/mantelmonitor /usr/local/bin/mantelmonitor

USER 10001:10001
WORKDIR /var/lib/mantelmonitor

ENV MANTELMONITOR_BIND=0.0.0.0:8080
EXPOSE 8080

# The server shuts down gracefully on SIGTERM (docker stop).
STOPSIGNAL SIGTERM
# `serve` is the default command; other subcommands (init, ...) replace it:
#   docker compose run --rm api init --organisation NAME --admin-email EMAIL --json
ENTRYPOINT ["/usr/local/bin/mantelmonitor"]
CMD ["serve"]
