# The bikefence job image: the official Flink image of the Flink version the job is built against (pom.xml
# flink.version), the job jar in usrlib/ (application mode: the JobManager runs JobMain), Flink's Prometheus
# reporter as a plugin, RocksDB, and the demo fences and rule set (a city mounts or bakes its own).
#
# Build context: the repository root, after the build, which stages the copied files under
# deploy-tests/target/image:
#   mvn -B package -DskipTests -pl deploy-tests -am
#   docker build -f docker/job.Dockerfile -t bikefence-job:0.1.0 .
# DockerImagesITCase checks that every COPY source below exists after the build.
ARG FLINK_IMAGE=flink:2.2.0-java17
FROM ${FLINK_IMAGE}

# Runtime settings for a containerised cluster (RocksDB, reporter, bind addresses, checkpoint volume); the
# image's entrypoint adds jobmanager.rpc.address and FLINK_PROPERTIES on top at start.
COPY --chown=flink:flink docker/flink/cluster.yaml /opt/flink/conf/config.yaml
# flink-metrics-prometheus (org.apache.flink, the Flink version): each plugin in its own folder.
COPY --chown=flink:flink deploy-tests/target/image/flink/plugins/metrics-prometheus/ /opt/flink/plugins/metrics-prometheus/
# flink-jobs-<version>-job.jar (the shaded job jar, main class org.bikefence.job.JobMain), renamed.
COPY --chown=flink:flink deploy-tests/target/image/flink/usrlib/bikefence-job.jar /opt/flink/usrlib/bikefence-job.jar
# Read by JobMain on the JobManager at submission (options fences and rules).
COPY --chown=flink:flink geo-fences/fences/ /opt/bikefence/fences/
COPY --chown=flink:flink scoring-rules/rulesets/ /opt/bikefence/rulesets/

# S3 checkpoints (Kubernetes): the image's built-in plugin, enabled per deployment with
# ENABLE_BUILT_IN_PLUGINS=flink-s3-fs-hadoop-2.2.0.jar (docker/k8s/flinkdeployment.yaml).
RUN mkdir -p /var/lib/flink/bikefence && chown flink:flink /var/lib/flink/bikefence
WORKDIR /opt/flink
