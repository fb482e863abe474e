# The ingest adapters' image: one process per polled operator (ingest gbfs|mds --operator ID) or the push
# endpoint for all push operators (ingest push), main class org.bikefence.ingest.IngestMain, no Flink.
#
# Build context: the repository root, after the build, which stages the ingest jar and its runtime
# dependencies in deploy-tests/target/image/ingest/lib (DockerImagesITCase checks them):
#   mvn -B package -DskipTests -pl deploy-tests -am
#   docker build -f docker/ingest.Dockerfile -t bikefence-ingest:0.1.0 .
ARG JAVA_IMAGE=eclipse-temurin:17-jre
FROM ${JAVA_IMAGE}

# curl: the compose healthchecks (push endpoint answers, feed_health points arrive).
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 9999 --home-dir /opt/bikefence bikefence

COPY deploy-tests/target/image/ingest/lib/ /opt/bikefence/lib/
COPY docker/ingest/log4j-ingest.properties /opt/bikefence/log4j-ingest.properties
# The commented example; compose and Kubernetes mount the real configuration over it.
COPY docker/ingest/operators.yaml /etc/bikefence/operators.yaml

# Numeric, so Kubernetes can check runAsNonRoot.
USER 9999
WORKDIR /opt/bikefence
ENV BIKEFENCE_INGEST_CONFIG=/etc/bikefence/operators.yaml \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dlog4j.configurationFile=/opt/bikefence/log4j-ingest.properties"
EXPOSE 18090
ENTRYPOINT ["java", "-cp", "/opt/bikefence/lib/*", "org.bikefence.ingest.IngestMain"]
CMD ["--help"]
