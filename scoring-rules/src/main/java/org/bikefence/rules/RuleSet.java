package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of a city's (or district's) operator performance rules, immutable and serializable so that
 * Flink operators can carry it.
 */
public final class RuleSet implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("Asia/Shanghai");
    public static final BigDecimal DEFAULT_BASE_SCORE = BigDecimal.valueOf(100);
    public static final BigDecimal DEFAULT_FLOOR = BigDecimal.ZERO;

    private final String city;
    private final String cityZh;
    private final String district;
    private final String districtZh;
    private final String version;
    private final LocalDate effectiveFrom;
    private final ZoneId timeZone;
    private final BigDecimal baseScore;
    private final BigDecimal floor;
    private final NoParkRule noPark;

    private RuleSet(Builder b) {
        this.city = requireText("city", b.city);
        this.cityZh = b.cityZh;
        this.district = b.district;
        this.districtZh = b.districtZh;
        this.version = requireText("version", b.version);
        this.effectiveFrom = Objects.requireNonNull(b.effectiveFrom, "effectiveFrom");
        this.timeZone = Objects.requireNonNull(b.timeZone, "timeZone");
        this.baseScore = Objects.requireNonNull(b.baseScore, "baseScore");
        this.floor = Objects.requireNonNull(b.floor, "floor");
        this.noPark = Objects.requireNonNull(b.noPark, "noPark");
        if (baseScore.signum() <= 0) {
            throw new IllegalArgumentException("baseScore must be > 0, was " + baseScore.toPlainString());
        }
        if (floor.signum() < 0) {
            throw new IllegalArgumentException("floor must not be negative, was " + floor.toPlainString());
        }
        if (floor.compareTo(baseScore) > 0) {
            throw new IllegalArgumentException(
                    "floor " + floor.toPlainString() + " is above baseScore " + baseScore.toPlainString());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** City identifier used as a data tag, e.g. "Xiamen". */
    public String city() {
        return city;
    }

    /** Chinese city name for reports, e.g. "厦门". */
    public Optional<String> cityZh() {
        return Optional.ofNullable(cityZh);
    }

    /** District identifier, e.g. "Huli"; empty for a city-wide rule set. */
    public Optional<String> district() {
        return Optional.ofNullable(district);
    }

    public Optional<String> districtZh() {
        return Optional.ofNullable(districtZh);
    }

    /** Recorded with every score so a published score can be traced to the exact rules used. */
    public String version() {
        return version;
    }

    public LocalDate effectiveFrom() {
        return effectiveFrom;
    }

    /** Zone in which scoring days begin and end. */
    public ZoneId timeZone() {
        return timeZone;
    }

    public BigDecimal baseScore() {
        return baseScore;
    }

    public BigDecimal floor() {
        return floor;
    }

    public NoParkRule noPark() {
        return noPark;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RuleSet r
                && city.equals(r.city)
                && Objects.equals(cityZh, r.cityZh)
                && Objects.equals(district, r.district)
                && Objects.equals(districtZh, r.districtZh)
                && version.equals(r.version)
                && effectiveFrom.equals(r.effectiveFrom)
                && timeZone.equals(r.timeZone)
                && baseScore.compareTo(r.baseScore) == 0
                && floor.compareTo(r.floor) == 0
                && noPark.equals(r.noPark);
    }

    @Override
    public int hashCode() {
        return Objects.hash(city, district, version, effectiveFrom, timeZone, noPark);
    }

    @Override
    public String toString() {
        return "RuleSet{" + version + ", " + city + (district == null ? "" : "/" + district)
                + ", effectiveFrom=" + effectiveFrom + ", timeZone=" + timeZone
                + ", base=" + baseScore.toPlainString() + ", floor=" + floor.toPlainString()
                + ", " + noPark + '}';
    }

    private static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    /** Builds a {@link RuleSet} in code; files go through {@link RuleSetLoader}, which reports file positions. */
    public static final class Builder {
        private String city;
        private String cityZh;
        private String district;
        private String districtZh;
        private String version;
        private LocalDate effectiveFrom;
        private ZoneId timeZone = DEFAULT_TIME_ZONE;
        private BigDecimal baseScore = DEFAULT_BASE_SCORE;
        private BigDecimal floor = DEFAULT_FLOOR;
        private NoParkRule noPark;

        private Builder() {
        }

        public Builder city(String city) {
            this.city = city;
            return this;
        }

        public Builder cityZh(String cityZh) {
            this.cityZh = cityZh;
            return this;
        }

        public Builder district(String district) {
            this.district = district;
            return this;
        }

        public Builder districtZh(String districtZh) {
            this.districtZh = districtZh;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder effectiveFrom(LocalDate effectiveFrom) {
            this.effectiveFrom = effectiveFrom;
            return this;
        }

        public Builder timeZone(ZoneId timeZone) {
            this.timeZone = timeZone;
            return this;
        }

        public Builder baseScore(BigDecimal baseScore) {
            this.baseScore = baseScore;
            return this;
        }

        public Builder floor(BigDecimal floor) {
            this.floor = floor;
            return this;
        }

        public Builder noPark(NoParkRule noPark) {
            this.noPark = noPark;
            return this;
        }

        public RuleSet build() {
            return new RuleSet(this);
        }
    }
}
