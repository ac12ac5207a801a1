# Carebox in one image: the server binary with the widget and console bundles beside it.
#   docker build -t carebox .
#   docker run -p 8080:8080 -v carebox-data:/var/lib/carebox \
#     -e CAREBOX_PUBLIC_URL=https://help.example.com carebox
# Everything the build fetches comes from Debian, crates.io and npm. Its final stage holds only
# what `cargo xtask image` assembles in target/image/rootfs (the test suite builds and runs
# exactly those files, with the ENV below, where no container runtime exists).

FROM rust:1.95-slim-bookworm AS build
RUN apt-get update \
 && apt-get install --yes --no-install-recommends nodejs npm pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo xtask image

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/carebox --create-home carebox
COPY --from=build /src/target/image/rootfs/ /
ENV CAREBOX_ADDR=0.0.0.0:8080
ENV CAREBOX_DATABASE_URL=sqlite:///var/lib/carebox/carebox.db
ENV CAREBOX_WIDGET_DIR=/srv/carebox/dist
ENV CAREBOX_LOG_FORMAT=json
USER 10001:10001
WORKDIR /var/lib/carebox
VOLUME /var/lib/carebox
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s CMD ["/usr/local/bin/carebox-server", "probe"]
# SIGTERM (docker stop) drains: requests in flight are answered, leased webhook sends finished.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/carebox-server"]
CMD ["serve"]
