package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final LocalDate effectiveUntil;
    private final ZoneId timeZone;
    private final BigDecimal baseScore;
    private final BigDecimal floor;
    private final BigDecimal ceiling;
    private final NoParkRule noPark;
    private final Monitoring monitoring;
    private final Map<String, OperatorQuota> operators;
    private final List<Category> categories;
    private final List<ScoringRule> scoringRules;
    private final List<Grade> grades;
    private final QuotaPolicy quota;

    private RuleSet(Builder b) {
        this.city = requireText("city", b.city);
        this.cityZh = b.cityZh;
        this.district = b.district;
        this.districtZh = b.districtZh;
        this.version = requireText("version", b.version);
        this.effectiveFrom = Objects.requireNonNull(b.effectiveFrom, "effectiveFrom");
        this.effectiveUntil = b.effectiveUntil;
        this.timeZone = Objects.requireNonNull(b.timeZone, "timeZone");
        this.baseScore = Objects.requireNonNull(b.baseScore, "baseScore");
        this.floor = Objects.requireNonNull(b.floor, "floor");
        this.ceiling = b.ceiling == null ? baseScore : b.ceiling;
        this.noPark = Objects.requireNonNull(b.noPark, "noPark");
        this.monitoring = Objects.requireNonNull(b.monitoring, "monitoring");
        // LinkedHashMap keeps the file's order for reports; wrapped so callers cannot change it.
        this.operators = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.operators));
        this.categories = List.copyOf(b.categories);
        this.scoringRules = List.copyOf(b.scoringRules);
        this.grades = List.copyOf(b.grades);
        this.quota = Objects.requireNonNull(b.quota, "quota");
        if (effectiveUntil != null && effectiveUntil.isBefore(effectiveFrom)) {
            throw new IllegalArgumentException("effectiveUntil " + effectiveUntil + " is before effectiveFrom "
                    + effectiveFrom);
        }
        if (ceiling.compareTo(baseScore) < 0) {
            throw new IllegalArgumentException("ceiling " + ceiling.toPlainString() + " is below baseScore");
        }
        for (ScoringRule r : scoringRules) {
            if (category(r.category()).isEmpty()) {
                throw new IllegalArgumentException(r.id() + ": unknown category " + r.category());
            }
        }
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

    /** Last day (inclusive) these rules apply; empty when they apply until a newer version takes over. */
    public Optional<LocalDate> effectiveUntil() {
        return Optional.ofNullable(effectiveUntil);
    }

    /** Whether {@code day} lies within effectiveFrom..effectiveUntil (ignoring any newer version). */
    public boolean isEffectiveOn(LocalDate day) {
        return !day.isBefore(effectiveFrom) && (effectiveUntil == null || !day.isAfter(effectiveUntil));
    }

    /** A month is scored under the rules in force on its first day. */
    public boolean isEffectiveFor(YearMonth month) {
        return isEffectiveOn(month.atDay(1));
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

    /** Highest monthly score (bonuses cannot go beyond it); defaults to the base score. */
    public BigDecimal ceiling() {
        return ceiling;
    }

    public NoParkRule noPark() {
        return noPark;
    }

    /** Parameters the streaming job uses to compute the monthly metrics. */
    public Monitoring monitoring() {
        return monitoring;
    }

    /** Admitted operators and their fleet quotas, in file order, keyed by operator id. */
    public Map<String, OperatorQuota> operators() {
        return operators;
    }

    public Optional<OperatorQuota> operator(String id) {
        return Optional.ofNullable(operators.get(id));
    }

    /** Scoring categories in file order; their points add up to the base score. */
    public List<Category> categories() {
        return categories;
    }

    public Optional<Category> category(String id) {
        return categories.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The monthly assessment's priced lines, in file order. */
    public List<ScoringRule> scoringRules() {
        return scoringRules;
    }

    /** Grade bands from the highest {@code min} down; the last one covers the floor. */
    public List<Grade> grades() {
        return grades;
    }

    public QuotaPolicy quota() {
        return quota;
    }

    /** Whether this file can score months (it has categories and grade bands), not only the daily score. */
    public boolean hasMonthlyAssessment() {
        return !categories.isEmpty() && !grades.isEmpty();
    }

    /** The grade band a score falls in. */
    public Grade gradeFor(BigDecimal score) {
        for (Grade g : grades) {
            if (score.compareTo(g.min()) >= 0) {
                return g;
            }
        }
        throw new IllegalStateException("no grade band of " + version + " covers score " + score.toPlainString());
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
                && Objects.equals(effectiveUntil, r.effectiveUntil)
                && timeZone.equals(r.timeZone)
                && baseScore.compareTo(r.baseScore) == 0
                && floor.compareTo(r.floor) == 0
                && ceiling.compareTo(r.ceiling) == 0
                && noPark.equals(r.noPark)
                && monitoring.equals(r.monitoring)
                && operators.equals(r.operators)
                && categories.equals(r.categories)
                && scoringRules.equals(r.scoringRules)
                && grades.equals(r.grades)
                && quota.equals(r.quota);
    }

    @Override
    public int hashCode() {
        return Objects.hash(city, district, version, effectiveFrom, timeZone, noPark);
    }

    @Override
    public String toString() {
        return "RuleSet{" + version + ", " + city + (district == null ? "" : "/" + district)
                + ", effectiveFrom=" + effectiveFrom + (effectiveUntil == null ? "" : ", effectiveUntil=" + effectiveUntil)
                + ", timeZone=" + timeZone
                + ", base=" + baseScore.toPlainString() + ", floor=" + floor.toPlainString()
                + ", " + noPark + ", categories=" + categories.size() + ", scoringRules=" + scoringRules.size()
                + ", grades=" + grades.size() + '}';
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
        private LocalDate effectiveUntil;
        private ZoneId timeZone = DEFAULT_TIME_ZONE;
        private BigDecimal baseScore = DEFAULT_BASE_SCORE;
        private BigDecimal floor = DEFAULT_FLOOR;
        private BigDecimal ceiling;
        private NoParkRule noPark;
        private Monitoring monitoring = Monitoring.DEFAULTS;
        private Map<String, OperatorQuota> operators = new LinkedHashMap<>();
        private List<Category> categories = List.of();
        private List<ScoringRule> scoringRules = List.of();
        private List<Grade> grades = List.of();
        private QuotaPolicy quota = QuotaPolicy.NONE;

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

        public Builder effectiveUntil(LocalDate effectiveUntil) {
            this.effectiveUntil = effectiveUntil;
            return this;
        }

        public Builder ceiling(BigDecimal ceiling) {
            this.ceiling = ceiling;
            return this;
        }

        public Builder monitoring(Monitoring monitoring) {
            this.monitoring = monitoring;
            return this;
        }

        public Builder operator(OperatorQuota operator) {
            this.operators.put(operator.id(), operator);
            return this;
        }

        public Builder categories(List<Category> categories) {
            this.categories = categories;
            return this;
        }

        public Builder scoringRules(List<ScoringRule> scoringRules) {
            this.scoringRules = scoringRules;
            return this;
        }

        public Builder grades(List<Grade> grades) {
            this.grades = grades;
            return this;
        }

        public Builder quota(QuotaPolicy quota) {
            this.quota = quota;
            return this;
        }

        public RuleSet build() {
            return new RuleSet(this);
        }
    }
}
