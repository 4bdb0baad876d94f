# websocket-test-service image. Lives at the repository root so the plain `docker build -t websocket-test .`
# works; docker/compose.yaml builds it too.
#
#   docker build -t websocket-test .                      # Maven builds the jar inside the image build
#   mvn -q -DskipTests package && \
#     docker build --build-arg JAR_FROM=prebuilt -t websocket-test .   # package the jar you just built
#
# Base images are ARGs (image names only; point them at your own mirror if you have one).
# podman: these short names need a short-name alias in registries.conf, or pass fully qualified names as
# --build-arg; and `podman build --format docker` keeps the HEALTHCHECK (README, "Podman").
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre
# Where the runtime stage takes the fat jar from: "maven-build" (compile in the image build) or "prebuilt"
# (target/websocket-test-service.jar from the build context). Unused stages are skipped by BuildKit and podman.
ARG JAR_FROM=maven-build

# ---- build: dependencies first, so source edits do not re-download the world -------------------------------
FROM ${BUILD_IMAGE} AS maven-build
WORKDIR /build
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
# The pom packs the recommended JVM flags into the jar (bench --spawn reads them there).
COPY docker/jvm.options ./docker/jvm.options
RUN mvn -B -q -DskipTests package

# ---- prebuilt: the jar from the build context (the container smoke test uses this; no Maven image needed) ---
FROM ${RUNTIME_IMAGE} AS prebuilt
WORKDIR /build
COPY target/websocket-test-service.jar ./target/websocket-test-service.jar

FROM ${JAR_FROM} AS jar

# ---- runtime ------------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
LABEL org.opencontainers.image.title="websocket-test-service" \
      org.opencontainers.image.description="WebSocket load-balancer test service and client" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
COPY --from=jar /build/target/websocket-test-service.jar /app/websocket-test-service.jar

# Container-aware JVM: the recommended flags of docker/jvm.options (heap sized from the container's memory limit,
# a GC that suits small heaps and few cores), the same file bench --spawn uses, read by the java launcher as an
# argument file, plus the AppCDS archive made below. Override at run time:
# docker run -e JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+UseG1GC" ...
# (keep "@/app/jvm.options -XX:SharedArchiveFile=/app/app.jsa" in front to change only some of them).
COPY docker/jvm.options /app/jvm.options

# AppCDS: an archive of the classes the service loads to start and to serve WebSockets, written by running it once
# here as the ENTRYPOINT runs it (no arguments, settings in the environment; start, readiness check, a few
# WebSocket connections through test-lb, SIGTERM). Starting from it cuts start-to-ready from about 1.4 s to 0.77 s
# on one CPU (docs/performance.md). It fits this JVM and this jar only: a JVM that cannot use it (another
# RUNTIME_IMAGE, a changed jar) starts without it, and a JVM that cannot write one leaves no file (the build goes
# on). Bounded: at most 60 readiness checks, a fast refusal each.
RUN DRAIN_DELAY=0 BIND_HOST=127.0.0.1 java @/app/jvm.options -XX:ArchiveClassesAtExit=/app/app.jsa \
      -Xlog:cds*=error -jar /app/websocket-test-service.jar & pid=$!; \
    tries=0; \
    until java -XX:TieredStopAtLevel=1 -jar /app/websocket-test-service.jar healthcheck >/dev/null 2>&1 \
      || [ "$((tries += 1))" -ge 60 ]; do :; done; \
    java -XX:TieredStopAtLevel=1 -jar /app/websocket-test-service.jar test-lb -n 4 --expect-instances 1 \
      >/dev/null 2>&1; \
    kill -TERM "$pid"; wait "$pid"; \
    if [ -f /app/app.jsa ]; then echo "AppCDS archive /app/app.jsa written"; \
    else echo "no AppCDS archive (this JVM cannot write one): the service starts without it"; fi
ENV JAVA_OPTS="@/app/jvm.options -XX:SharedArchiveFile=/app/app.jsa"

# Any non-root uid works; numeric so Kubernetes' runAsNonRoot can verify it. Group 0 for OpenShift-style uids.
USER 10001:0
EXPOSE 8080 8765

# No curl in the image: the jar checks its own readiness probe (GET /health/ready, exit 0 or 1).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx32m", \
       "-jar", "/app/websocket-test-service.jar", "healthcheck"]

# exec: java becomes PID 1 and receives SIGTERM itself (graceful drain). Arguments go to the jar:
#   docker run websocket-test --max-message-bytes 1048576
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar /app/websocket-test-service.jar \"$@\"", "websocket-test-service"]
