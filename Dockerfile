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

# Dependencies first, in their own layer: it is rebuilt only when Cargo.toml or Cargo.lock
# change, not on every source edit. A stub main.rs stands in for the sources.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && cargo build --release --locked \
    && cargo clean --release --locked -p mantelmonitor \
    && rm -rf src

# The real sources (migrations/ and openapi/ included: they may be embedded at compile time).
# `cargo clean -p` above removed the stub's artifacts, so the crate is always rebuilt here.
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
