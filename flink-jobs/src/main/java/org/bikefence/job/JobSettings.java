package org.bikefence.job;

import java.time.Duration;
import java.util.Objects;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.config.JobOptions;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetRegistry;

/** What the pipeline needs besides its source and sinks: fences, rules, and event-time settings. */
public final class JobSettings {
    private final byte[] fenceGeoJson;
    private final String fenceSource;
    private final RuleSet rules;
    private final RuleSetRegistry registry;
    private final Duration maxOutOfOrderness;
    private final Duration idleness;
    private final Duration maxFuture;
    private final int maxBikeIdLength;
    private final int maxRecordBytes;
    private final Duration nowSnapshotInterval;
    private final int nowCellMinBikes;
    private final Long fixedNowMs;

    private JobSettings(Builder b) {
        this.fenceGeoJson = Objects.requireNonNull(b.fenceGeoJson, "fences");
        this.fenceSource = Objects.requireNonNull(b.fenceSource, "fence source name");
        this.rules = Objects.requireNonNull(b.rules, "rules");
        this.registry = b.registry != null ? b.registry : RuleSetRegistry.of(java.util.List.of(b.rules));
        this.maxOutOfOrderness = b.maxOutOfOrderness;
        this.idleness = b.idleness;
        this.maxFuture = b.maxFuture;
        this.maxBikeIdLength = b.maxBikeIdLength;
        this.maxRecordBytes = b.maxRecordBytes;
        this.nowSnapshotInterval = b.nowSnapshotInterval;
        this.nowCellMinBikes = b.nowCellMinBikes;
        this.fixedNowMs = b.fixedNowMs;
    }

    public static Builder builder() {
        return new Builder();
    }

    public byte[] fenceGeoJson() {
        return fenceGeoJson;
    }

    public String fenceSource() {
        return fenceSource;
    }

    public RuleSet rules() {
        return rules;
    }

    /**
     * Every rule-set version, so each month is scored with the version in force in that month; holds just
     * {@link #rules()} when the job was given a single file.
     */
    public RuleSetRegistry registry() {
        return registry;
    }

    /** The per-bike rule parameters, all from the rule set (its defaults where the file says nothing). */
    public TrackerSettings tracker() {
        return TrackerSettings.of(rules);
    }

    /**
     * The per-bike parameters by the event time they apply from: {@link #tracker()} (also before its start), then
     * each later version of the registry for the same city and district from the start of its {@code effectiveFrom}
     * day.
     */
    public java.util.NavigableMap<Long, TrackerSettings> trackerVersions() {
        java.util.TreeMap<Long, TrackerSettings> byStart = new java.util.TreeMap<>();
        byStart.put(Long.MIN_VALUE, tracker());
        for (RuleSet r : registry.versions(rules.city(), rules.district().orElse(null))) {
            if (r.effectiveFrom().isAfter(rules.effectiveFrom())) {
                byStart.put(r.effectiveFrom().atStartOfDay(rules.timeZone()).toInstant().toEpochMilli(),
                        TrackerSettings.of(r));
            }
        }
        return byStart;
    }

    public Duration maxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    public Duration idleness() {
        return idleness;
    }

    public Duration maxFuture() {
        return maxFuture;
    }

    /** Longest bike id a record may name, in characters; a longer one is a dead letter. */
    public int maxBikeIdLength() {
        return maxBikeIdLength;
    }

    /** Largest record, in bytes; a larger one is a dead letter without being parsed. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** How often the "now" snapshots of each open violation, accumulation and area are taken (event time). */
    public Duration nowSnapshotInterval() {
        return nowSnapshotInterval;
    }

    /** Fewest bikes of an operator in a cell for the cell to be in the now snapshots ({@code now.cell-min-bikes}). */
    public int nowCellMinBikes() {
        return nowCellMinBikes;
    }

    /** A fixed "now" for the future-timestamp check (tests); null means the wall clock. */
    public Long fixedNowMs() {
        return fixedNowMs;
    }

    /** Builds {@link JobSettings}; the defaults are those of the {@link JobOptions}. */
    public static final class Builder {
        private byte[] fenceGeoJson;
        private String fenceSource;
        private RuleSet rules;
        private RuleSetRegistry registry;
        private Duration maxOutOfOrderness = Duration.ofMillis(JobOptions.MAX_OUT_OF_ORDER_MS.defaultValue());
        private Duration idleness = Duration.ofMillis(JobOptions.IDLENESS_MS.defaultValue());
        private Duration maxFuture = Duration.ofMillis(JobOptions.MAX_FUTURE_MS.defaultValue());
        private int maxBikeIdLength = JobOptions.MAX_BIKE_ID_LENGTH.defaultValue();
        private int maxRecordBytes = JobOptions.MAX_RECORD_BYTES.defaultValue();
        private Duration nowSnapshotInterval = Duration.ofMinutes(
                JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES.defaultValue());
        private int nowCellMinBikes = JobOptions.NOW_CELL_MIN_BIKES.defaultValue();
        private Long fixedNowMs;

        public Builder fences(byte[] geoJson, String sourceName) {
            this.fenceGeoJson = geoJson;
            this.fenceSource = sourceName;
            return this;
        }

        public Builder rules(RuleSet rules) {
            this.rules = rules;
            return this;
        }

        /** All versions (a rule-set directory); {@link #rules(RuleSet)} stays the one for live parameters. */
        public Builder registry(RuleSetRegistry registry) {
            this.registry = registry;
            return this;
        }

        public Builder maxOutOfOrderness(Duration d) {
            this.maxOutOfOrderness = d;
            return this;
        }

        public Builder idleness(Duration d) {
            this.idleness = d;
            return this;
        }

        public Builder maxFuture(Duration d) {
            this.maxFuture = d;
            return this;
        }

        public Builder maxBikeIdLength(int characters) {
            this.maxBikeIdLength = characters;
            return this;
        }

        public Builder maxRecordBytes(int bytes) {
            this.maxRecordBytes = bytes;
            return this;
        }

        public Builder nowCellMinBikes(int n) {
            this.nowCellMinBikes = n;
            return this;
        }

        public Builder nowSnapshotInterval(Duration d) {
            this.nowSnapshotInterval = d;
            return this;
        }

        public Builder fixedNowMs(Long nowMs) {
            this.fixedNowMs = nowMs;
            return this;
        }

        public JobSettings build() {
            return new JobSettings(this);
        }
    }
}
