package org.bikefence.config;

import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.Formatter;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.kafka.KafkaClientSecurity;
import org.bikefence.model.DemoEndpoints;
import org.bikefence.model.Topics;

/**
 * Every option of the bikefence job, defined once: key, type, default and description, as Flink
 * {@link ConfigOption}s (like flink-connector-kafka's {@code KafkaSourceOptions}). {@link JobConfig} reads
 * them, the replay command turns them into command-line options, and a test checks README's table
 * against them. The defaults run the demo from the repository root.
 *
 * <p>Durations stay {@code long} milliseconds: the keys end in {@code -ms}, and a Flink duration type
 * would print its default as {@code 30 s} where the documented default is {@code 30000}.
 */
public final class JobOptions {

    // ---- Kafka ----

    public static final ConfigOption<String> KAFKA_BOOTSTRAP = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue(DemoEndpoints.KAFKA_BOOTSTRAP)
            .withDescription("Kafka brokers.");

    public static final ConfigOption<String> KAFKA_POSITIONS_TOPIC = ConfigOptions.key("kafka.positions-topic")
            .stringType().defaultValue(Topics.POSITIONS)
            .withDescription("Input topic of bike positions.");

    public static final ConfigOption<String> KAFKA_DLQ_TOPIC = ConfigOptions.key("kafka.dlq-topic")
            .stringType().defaultValue(Topics.POSITIONS_DLQ)
            .withDescription("Dead-letter topic for records that cannot be used.");

    public static final ConfigOption<String> KAFKA_FENCES_TOPIC = ConfigOptions.key("kafka.fences-topic")
            .stringType().defaultValue(Topics.GEOFENCES)
            .withDescription("Whole fence files for live updates; empty: none.");

    public static final ConfigOption<String> KAFKA_RULESETS_TOPIC = ConfigOptions.key("kafka.rulesets-topic")
            .stringType().defaultValue("")
            .withDescription("Whole rule-set files (YAML, key = version) for live rule-set versions, e.g. "
                    + "'rulesets' (rules publish); empty: none, the rule sets given at submission stay.");

    public static final ConfigOption<String> KAFKA_VIOLATIONS_TOPIC = ConfigOptions.key("kafka.violations-topic")
            .stringType().defaultValue(Topics.VIOLATIONS)
            .withDescription("Violations as they open and close; empty: not published.");

    public static final ConfigOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX = ConfigOptions
            .key("kafka.transactional-id-prefix")
            .stringType().defaultValue("bikefence-violations")
            .withDescription("Prefix of the Kafka transactional ids of the violations sink (exactly-once: "
                    + "committed at each checkpoint); unique per job on a Kafka cluster, as two jobs with one prefix "
                    + "abort each other's transactions.");

    public static final ConfigOption<String> KAFKA_GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("bikefence")
            .withDescription("Consumer group (offsets committed at checkpoints).");

    /** The values {@link #KAFKA_STARTING_OFFSETS} accepts. */
    public static final List<String> STARTING_OFFSETS = List.of("committed", "earliest", "latest");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS = ConfigOptions.key("kafka.starting-offsets")
            .stringType().defaultValue("committed")
            .withDescription("committed (falling back to earliest), earliest or latest.");

    public static final ConfigOption<Boolean> KAFKA_BOUNDED = ConfigOptions.key("kafka.bounded")
            .booleanType().defaultValue(false)
            .withDescription("true: stop at the offsets that are latest at start (backfills, tests); the topics "
                    + "must then exist, checked at submission.");

    // ---- Kafka security (the same keys as the adapters' and the fence publisher's: KafkaClientSecurity) ----

    public static final ConfigOption<String> KAFKA_SECURITY_PROTOCOL = ConfigOptions
            .key(KafkaClientSecurity.SECURITY_PROTOCOL)
            .stringType().defaultValue(KafkaClientSecurity.DEFAULT_PROTOCOL)
            .withDescription("PLAINTEXT (the demo), SASL_SSL (SASL login over TLS), SSL or SASL_PLAINTEXT; for "
                    + "every Kafka client of the job (sources, sinks, the check at submission).");

    public static final ConfigOption<String> KAFKA_SASL_MECHANISM = ConfigOptions
            .key(KafkaClientSecurity.SASL_MECHANISM)
            .stringType().defaultValue(KafkaClientSecurity.DEFAULT_MECHANISM)
            .withDescription("SASL_*: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN.");

    public static final ConfigOption<String> KAFKA_USERNAME = ConfigOptions.key(KafkaClientSecurity.USERNAME)
            .stringType().noDefaultValue()
            .withDescription("SASL_*: the user; required.");

    public static final ConfigOption<String> KAFKA_PASSWORD_ENV = ConfigOptions.key(KafkaClientSecurity.PASSWORD_ENV)
            .stringType().noDefaultValue()
            .withDescription("SASL_*: environment variable holding the password, read where each Kafka client is "
                    + "created (JobManager and TaskManagers); only its name is in the job.");

    public static final ConfigOption<String> KAFKA_PASSWORD_FILE = ConfigOptions
            .key(KafkaClientSecurity.PASSWORD_FILE)
            .stringType().noDefaultValue()
            .withDescription("SASL_*: file holding the password (trailing whitespace ignored), e.g. a mounted "
                    + "secret.");

    public static final ConfigOption<String> KAFKA_TRUSTSTORE = ConfigOptions.key(KafkaClientSecurity.TRUSTSTORE)
            .stringType().noDefaultValue()
            .withDescription("*SSL: truststore file with the brokers' CA; not set: the JVM's default CAs.");

    public static final ConfigOption<String> KAFKA_TRUSTSTORE_TYPE = ConfigOptions
            .key(KafkaClientSecurity.TRUSTSTORE_TYPE)
            .stringType().noDefaultValue()
            .withDescription("PKCS12, JKS or PEM; not set: PEM for .pem/.crt, JKS for .jks, else PKCS12.");

    public static final ConfigOption<String> KAFKA_TRUSTSTORE_PASSWORD_ENV = ConfigOptions
            .key(KafkaClientSecurity.TRUSTSTORE_PASSWORD_ENV)
            .stringType().noDefaultValue()
            .withDescription("Environment variable holding the truststore's password (PKCS12, JKS).");

    public static final ConfigOption<String> KAFKA_TRUSTSTORE_PASSWORD_FILE = ConfigOptions
            .key(KafkaClientSecurity.TRUSTSTORE_PASSWORD_FILE)
            .stringType().noDefaultValue()
            .withDescription("File holding the truststore's password.");

    // ---- Fences, rules, event time, job ----

    public static final ConfigOption<String> FENCES = ConfigOptions.key("fences")
            .stringType().defaultValue("geo-fences/fences/huli-demo.geojson")
            .withDescription("Fence files (GeoJSON, plain GIS GeoJSON, city CSV, GBFS geofencing zones or MDS "
                    + "geographies) making one fence set, separated by ;, each FILE or FILE:key=value,... with its "
                    + "own options (the keys of the fences.* options: kind, crs, id-property, name-property, version, "
                    + "operators, vehicle-types, gbfs-restrictions-win, zone, repair, bounds), as fences classify "
                    + "--fences takes them; read and validated when the job is submitted; active until a fence "
                    + "update arrives.");

    /** The prefix of the options for every fence file: {@code fences.<key>}, keys as in {@code FILE:key=value}. */
    public static final String FENCES_PREFIX = "fences.";

    public static final ConfigOption<String> FENCES_KIND = ConfigOptions.key(FENCES_PREFIX + "kind")
            .stringType().noDefaultValue()
            .withDescription("Kind (no_park, parking, operating_area, key_control) of city-CSV fences, of GeoJSON "
                    + "features without a kind (plain GIS files) and of every MDS geography, overriding its "
                    + "geography_type; not set: CSV parking, MDS by geography_type (as fences classify --kind).");

    public static final ConfigOption<String> FENCES_CRS = ConfigOptions.key(FENCES_PREFIX + "crs")
            .stringType().noDefaultValue()
            .withDescription("WGS84, GCJ02 or BD09: coordinate system of CSV, GBFS and MDS fence files and of "
                    + "GeoJSON without a crs member; not set: WGS84 (--fences-crs).");

    public static final ConfigOption<String> FENCES_ID_PROPERTY = ConfigOptions.key(FENCES_PREFIX + "id-property")
            .stringType().noDefaultValue()
            .withDescription("GeoJSON property holding each fence's id (e.g. FID); reads GeoJSON as plain GIS; not "
                    + "set: id, else the feature's index as FILE#i in a plain file (--id-property).");

    public static final ConfigOption<String> FENCES_NAME_PROPERTY = ConfigOptions.key(FENCES_PREFIX + "name-property")
            .stringType().noDefaultValue()
            .withDescription("GeoJSON property holding each fence's name (e.g. NAME); not set: name "
                    + "(--name-property).");

    public static final ConfigOption<String> FENCES_VERSION = ConfigOptions.key(FENCES_PREFIX + "version")
            .stringType().noDefaultValue()
            .withDescription("Version of the fence set; not set: the file's own, plain GeoJSON and CSV a content "
                    + "hash FILE@sha256:..., several files theirs joined by + (--fences-version).");

    public static final ConfigOption<String> FENCES_OPERATORS = ConfigOptions.key(FENCES_PREFIX + "operators")
            .stringType().noDefaultValue()
            .withDescription("Operators (a,b) that CSV, GBFS and MDS fences and plain GeoJSON features without "
                    + "operators apply to; not set: all (--operators).");

    public static final ConfigOption<String> FENCES_VEHICLE_TYPES = ConfigOptions.key(FENCES_PREFIX + "vehicle-types")
            .stringType().noDefaultValue()
            .withDescription("GBFS vehicle_type_ids (a,b) whose rules count; not set: rules for all types "
                    + "(--vehicle-types).");

    public static final ConfigOption<Boolean> FENCES_GBFS_RESTRICTIONS_WIN = ConfigOptions
            .key(FENCES_PREFIX + "gbfs-restrictions-win")
            .booleanType().defaultValue(false)
            .withDescription("GBFS: keep no-park zones whole even if listed after the operating area "
                    + "(--gbfs-restrictions-win).");

    public static final ConfigOption<String> FENCES_ZONE = ConfigOptions.key(FENCES_PREFIX + "zone")
            .stringType().noDefaultValue()
            .withDescription("Time zone of fence files without one; not set: Asia/Shanghai (--zone).");

    public static final ConfigOption<Boolean> FENCES_REPAIR = ConfigOptions.key(FENCES_PREFIX + "repair")
            .booleanType().defaultValue(false)
            .withDescription("Repair invalid polygons (JTS GeometryFixer) instead of refusing the file (--repair).");

    public static final ConfigOption<String> FENCES_BOUNDS = ConfigOptions.key(FENCES_PREFIX + "bounds")
            .stringType().noDefaultValue()
            .withDescription("xiamen or minLat,maxLat,minLng,maxLng: refuse fence vertices outside this box; not "
                    + "set: no box (--bounds).");

    /** The options for every fence file, in the order of {@code FenceFiles.KEYS}. */
    public static final List<ConfigOption<?>> FENCE_FILE_OPTIONS = List.of(FENCES_KIND, FENCES_CRS,
            FENCES_ID_PROPERTY, FENCES_NAME_PROPERTY, FENCES_VERSION, FENCES_OPERATORS, FENCES_VEHICLE_TYPES,
            FENCES_GBFS_RESTRICTIONS_WIN, FENCES_ZONE, FENCES_REPAIR, FENCES_BOUNDS);

    public static final ConfigOption<String> RULES = ConfigOptions.key("rules")
            .stringType().defaultValue("scoring-rules/rulesets/huli.yaml")
            .withDescription("Rule-set file, or a directory of versions: each month is then scored with the "
                    + "version in force in that month, and the version in force today sets the live parameters "
                    + "(grace periods, report intervals).");

    public static final ConfigOption<Long> MAX_OUT_OF_ORDER_MS = ConfigOptions.key("watermark.max-out-of-order-ms")
            .longType().defaultValue(30_000L)
            .withDescription("Bounded out-of-orderness of event time, in ms.");

    public static final ConfigOption<Long> IDLENESS_MS = ConfigOptions.key("watermark.idleness-ms")
            .longType().defaultValue(60_000L)
            .withDescription("A partition without data for this long (ms) stops holding back the watermark.");

    public static final ConfigOption<Long> MAX_FUTURE_MS = ConfigOptions.key("decode.max-future-ms")
            .longType().defaultValue(600_000L)
            .withDescription("How far ahead of the clock (ms) a record's ts may be.");

    public static final ConfigOption<Integer> MAX_BIKE_ID_LENGTH = ConfigOptions.key("decode.max-bike-id-length")
            .intType().defaultValue(PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH)
            .withDescription("Longest bike id, in characters; a longer one is a dead letter (too_large).");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("decode.max-record-bytes")
            .intType().defaultValue(PositionDecoder.DEFAULT_MAX_RECORD_BYTES)
            .withDescription("Largest record, in bytes; a larger one is a dead letter (too_large) without being "
                    + "parsed.");

    public static final ConfigOption<Integer> NOW_SNAPSHOT_INTERVAL_MINUTES = ConfigOptions
            .key("now.snapshot-interval-minutes")
            .intType().defaultValue(5)
            .withDescription("How often, in minutes of event time (a multiple of 5), each open violation, open "
                    + "accumulation event and operator's bikes per fence and cell are snapshotted for the now "
                    + "panels: one point per open violation, open event and occupied area per interval (3 per "
                    + "hour per open violation at 20, 12 at the default 5).");

    public static final ConfigOption<Integer> NOW_CELL_MIN_BIKES = ConfigOptions
            .key("now.cell-min-bikes")
            .intType().defaultValue(5)
            .withDescription("Fewest bikes of one operator in an H3 cell for the cell to be in the now snapshots "
                    + "(cell_operator_now; the map's piles): a cell that falls below gets one last point with its "
                    + "count. Most occupied cells hold a bike or two, and a point for each of them every interval "
                    + "was most of the snapshots' volume. 1: every occupied cell.");

    public static final ConfigOption<Long> CHECKPOINT_INTERVAL_MS = ConfigOptions.key("checkpoint.interval-ms")
            .longType().defaultValue(10_000L)
            .withDescription("Checkpoint interval in ms; the InfluxDB sink writes everything buffered at each "
                    + "checkpoint.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType().defaultValue(1)
            .withDescription("Job parallelism.");

    /** The largest max parallelism Flink accepts (its number of key groups is a short). */
    public static final int UPPER_MAX_PARALLELISM = 1 << 15;

    public static final ConfigOption<Integer> MAX_PARALLELISM = ConfigOptions.key("max-parallelism")
            .intType().defaultValue(128)
            .withDescription("Highest parallelism the job can be rescaled to from a savepoint or checkpoint (the "
                    + "number of key groups of its keyed state, 1.." + UPPER_MAX_PARALLELISM + ", at least "
                    + "parallelism); fixed for the life of the state: a savepoint restores only with the same "
                    + "value. 128 is what Flink chooses by itself for a parallelism up to 85.");

    /** The values {@link #STATE_BACKEND} accepts. */
    public static final List<String> STATE_BACKENDS = List.of("rocksdb", "hashmap");

    public static final ConfigOption<String> STATE_BACKEND = ConfigOptions.key("state.backend")
            .stringType().defaultValue("rocksdb")
            .withDescription("rocksdb: keyed state in RocksDB on local disk, bounded by disk rather than heap, with "
                    + "incremental checkpoints; hashmap: state as objects on the JVM heap. Not given: Flink's "
                    + "state.backend.type when the runtime's configuration sets one, else rocksdb.");

    // ---- InfluxDB sink ----

    public static final ConfigOption<String> INFLUX_URL = ConfigOptions.key("influx.url")
            .stringType().defaultValue(DemoEndpoints.INFLUX_URL)
            .withDescription("InfluxDB base URL, without credentials or query.");

    public static final ConfigOption<String> INFLUX_API = ConfigOptions.key("influx.api")
            .stringType().defaultValue("v1")
            .withDescription("v1: /write?db= (InfluxDB 1.x, e.g. Debian's 1.6, also 2.x and 3.x compatibility); "
                    + "v2: /api/v2/write via influxdb-client-java, with a token (InfluxDB 1.8+, 2.x, 3.x).");

    public static final ConfigOption<String> INFLUX_DB = ConfigOptions.key("influx.db")
            .stringType().defaultValue("bikefence")
            .withDescription("v1: database (the default applies to v1 only).");

    public static final ConfigOption<Boolean> INFLUX_CREATE_DB = ConfigOptions.key("influx.create-db")
            .booleanType().defaultValue(false)
            .withDescription("v1: create the database at start when it does not exist (CREATE DATABASE); "
                    + "otherwise a missing database stops the job or replay at once, naming it, except the "
                    + "default database, which is always created.");

    public static final ConfigOption<String> INFLUX_RP = ConfigOptions.key("influx.rp")
            .stringType().noDefaultValue()
            .withDescription("v1: retention policy; the database's default when not set.");

    public static final ConfigOption<String> INFLUX_USERNAME = ConfigOptions.key("influx.username")
            .stringType().noDefaultValue()
            .withDescription("v1: user for HTTP basic auth; needs a password.");

    public static final ConfigOption<String> INFLUX_PASSWORD_ENV = ConfigOptions.key("influx.password-env")
            .stringType().noDefaultValue()
            .withDescription("v1: environment variable holding the password.");

    public static final ConfigOption<String> INFLUX_PASSWORD_FILE = ConfigOptions.key("influx.password-file")
            .stringType().noDefaultValue()
            .withDescription("v1: file holding the password.");

    public static final ConfigOption<String> INFLUX_ORG = ConfigOptions.key("influx.org")
            .stringType().noDefaultValue()
            .withDescription("v2: organisation; required for v2.");

    public static final ConfigOption<String> INFLUX_BUCKET = ConfigOptions.key("influx.bucket")
            .stringType().noDefaultValue()
            .withDescription("v2: bucket; required for v2.");

    public static final ConfigOption<String> INFLUX_TOKEN_ENV = ConfigOptions.key("influx.token-env")
            .stringType().noDefaultValue()
            .withDescription("v2: environment variable holding the API token.");

    public static final ConfigOption<String> INFLUX_TOKEN_FILE = ConfigOptions.key("influx.token-file")
            .stringType().noDefaultValue()
            .withDescription("v2: file holding the API token.");

    public static final ConfigOption<Integer> INFLUX_BATCH_SIZE = ConfigOptions.key("influx.batch-size")
            .intType().defaultValue(5000)
            .withDescription("Points per HTTP request; a full buffer is written at once.");

    public static final ConfigOption<Long> INFLUX_FLUSH_INTERVAL_MS = ConfigOptions.key("influx.flush-interval-ms")
            .longType().defaultValue(1000L)
            .withDescription("Longest time (ms) a buffered point waits before it is written.");

    public static final ConfigOption<Integer> INFLUX_MAX_RETRIES = ConfigOptions.key("influx.max-retries")
            .intType().defaultValue(5)
            .withDescription("Retries of a 429, 503 or network failure (with exponential backoff, honouring "
                    + "Retry-After) before the job fails and restarts from its last checkpoint.");

    public static final ConfigOption<Long> INFLUX_INITIAL_BACKOFF_MS = ConfigOptions.key("influx.initial-backoff-ms")
            .longType().defaultValue(200L)
            .withDescription("First backoff between retries in ms, doubled each retry.");

    /** Every option, in the order of the documentation. */
    public static final List<ConfigOption<?>> ALL = List.of(
            KAFKA_BOOTSTRAP, KAFKA_POSITIONS_TOPIC, KAFKA_DLQ_TOPIC, KAFKA_FENCES_TOPIC, KAFKA_RULESETS_TOPIC,
            KAFKA_VIOLATIONS_TOPIC,
            KAFKA_TRANSACTIONAL_ID_PREFIX, KAFKA_GROUP_ID, KAFKA_STARTING_OFFSETS, KAFKA_BOUNDED,
            KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_USERNAME, KAFKA_PASSWORD_ENV, KAFKA_PASSWORD_FILE,
            KAFKA_TRUSTSTORE, KAFKA_TRUSTSTORE_TYPE, KAFKA_TRUSTSTORE_PASSWORD_ENV, KAFKA_TRUSTSTORE_PASSWORD_FILE,
            FENCES, FENCES_KIND, FENCES_CRS, FENCES_ID_PROPERTY, FENCES_NAME_PROPERTY, FENCES_VERSION,
            FENCES_OPERATORS, FENCES_VEHICLE_TYPES, FENCES_GBFS_RESTRICTIONS_WIN, FENCES_ZONE, FENCES_REPAIR,
            FENCES_BOUNDS, RULES, MAX_OUT_OF_ORDER_MS, IDLENESS_MS, MAX_FUTURE_MS, MAX_BIKE_ID_LENGTH, MAX_RECORD_BYTES,
            NOW_SNAPSHOT_INTERVAL_MINUTES, NOW_CELL_MIN_BIKES, CHECKPOINT_INTERVAL_MS, PARALLELISM, MAX_PARALLELISM, STATE_BACKEND,
            INFLUX_URL, INFLUX_API, INFLUX_DB, INFLUX_CREATE_DB, INFLUX_RP, INFLUX_USERNAME, INFLUX_PASSWORD_ENV, INFLUX_PASSWORD_FILE,
            INFLUX_ORG, INFLUX_BUCKET, INFLUX_TOKEN_ENV, INFLUX_TOKEN_FILE,
            INFLUX_BATCH_SIZE, INFLUX_FLUSH_INTERVAL_MS, INFLUX_MAX_RETRIES, INFLUX_INITIAL_BACKOFF_MS);

    /** The InfluxDB sink's options: the {@code influx.*} keys. */
    public static final String INFLUX_PREFIX = "influx.";

    /** Rejected on purpose: secrets are read from the environment or files, never from configuration. */
    public static final List<String> FORBIDDEN = List.of("influx.token", "influx.password", "kafka.password",
            "kafka.truststore-password");

    private JobOptions() {}

    /** The option with this key, if there is one. */
    public static Optional<ConfigOption<?>> byKey(String key) {
        return ALL.stream().filter(o -> o.key().equals(key)).findFirst();
    }

    /** Why a secret given as an option is refused; names the option, never the value. */
    public static String secretRefused(String key) {
        return "option '" + key + "' is not accepted: give the secret through '" + key + "-env' (an environment "
                + "variable) or '" + key + "-file'";
    }

    /** The default as it is written on a command line, or null when the option has none. */
    public static String defaultText(ConfigOption<?> option) {
        return option.hasDefaultValue() ? String.valueOf(option.defaultValue()) : null;
    }

    /** The description as plain text, for help screens and the documentation table. */
    public static String descriptionText(ConfigOption<?> option) {
        return new PlainText().format(option.description());
    }

    /** Renders a Flink {@link Description} without markup. */
    private static final class PlainText extends Formatter {
        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append(description.isEmpty() ? link : description + " (" + link + ")");
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append(' ');
        }

        @Override
        protected void formatText(StringBuilder state, String format, String[] elements,
                java.util.EnumSet<org.apache.flink.configuration.description.TextElement.TextStyle> styles) {
            state.append(String.format(format, (Object[]) elements));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            state.append(String.join("; ", entries));
        }

        @Override
        protected Formatter newInstance() {
            return new PlainText();
        }
    }
}
