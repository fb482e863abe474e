package org.bikefence.functions;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.model.RuleSetEvent;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the rule-set versions published while the job runs, once for the whole job (keyed by one key), before
 * the tracker and the scoring steps take them: a version is read with the same loader as at submission and must fit
 * the versions the job has (newer than all of them, no overlap, no name twice, the job's city, district and time
 * zone, and the tracker's expiry horizon). An accepted version goes on, with the event time its per-bike rules apply from; every update
 * gives a {@link RuleSetEvent} on {@link #RULE_SET_EVENTS} (the {@code rule_set} point). A rejected one changes
 * nothing. A version equal to one the job has is accepted again and changes nothing (the topic is read from its
 * start after a restart).
 */
public class ValidateRuleSets extends KeyedProcessFunction<String, RuleSetUpdate, RuleSetUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValidateRuleSets.class);
    private static final int MAX_REASON_CHARS = 2000;

    public static final OutputTag<RuleSetEvent> RULE_SET_EVENTS =
            new OutputTag<>("rule-set-events", Types.POJO(RuleSetEvent.class));

    private final RuleSetRegistry initial;
    private final String city;
    private final String district;
    private final ZoneId zone;
    private final long trackerHorizonMs;

    private transient MapState<String, RuleSetUpdate> accepted;
    /** The initial versions plus the accepted ones, built from state once. */
    private transient RuleSetRegistry known;
    private transient Counter updatesAccepted;
    private transient Counter updatesRejected;

    /**
     * @param initial the versions given at submission
     * @param current the version in force at submission: its city, district and time zone are the job's
     * @param trackerHorizonMs how long the tracker keeps a silent bike ({@code BikeTracker.expiryHorizonMs})
     */
    public ValidateRuleSets(RuleSetRegistry initial, RuleSet current, long trackerHorizonMs) {
        this.initial = initial;
        this.city = current.city();
        this.district = current.district().orElse(null);
        this.zone = current.timeZone();
        this.trackerHorizonMs = trackerHorizonMs;
    }

    @Override
    public void open(OpenContext openContext) {
        accepted = getRuntimeContext().getMapState(LiveRuleSets.STATE);
        updatesAccepted = getRuntimeContext().getMetricGroup().counter("ruleSetUpdatesAccepted");
        updatesRejected = getRuntimeContext().getMetricGroup().counter("ruleSetUpdatesRejected");
    }

    @Override
    public void processElement(RuleSetUpdate u, Context ctx, Collector<RuleSetUpdate> out) throws Exception {
        if (known == null) {
            known = LiveRuleSets.registry(initial, accepted.entries());
        }
        RuleSetEvent e = new RuleSetEvent();
        e.publishedAt = u.publishedAt;
        e.source = u.source;
        RuleSet r;
        RuleSetRegistry with;
        try {
            r = LiveRuleSets.parse(u);
            e.version = r.version();
            e.effectiveFrom = r.effectiveFrom().toString();
            with = check(r);
        } catch (RuntimeException ex) {
            updatesRejected.inc();
            e.accepted = false;
            e.reason = truncate(String.valueOf(ex.getMessage()));
            LOG.error("Rejected rule-set update {} ({}); the versions in force stay: {}", u.source, u.key, e.reason);
            ctx.output(RULE_SET_EVENTS, e);
            return;
        }
        e.accepted = true;
        updatesAccepted.inc();
        if (with == known) {
            e.note = "unchanged: the job already has this version";
            ctx.output(RULE_SET_EVENTS, e);
            return;
        }
        known = with;
        RuleSetUpdate a = new RuleSetUpdate(u.key, u.yaml, u.publishedAt, u.source);
        a.version = r.version();
        a.appliesFrom = startOf(r.effectiveFrom());
        accepted.put(a.version, a);
        if (a.appliesFrom < u.publishedAt) {
            e.note = "effectiveFrom " + r.effectiveFrom() + " is before its publication: where the job's event time "
                    + "has passed its start, per-bike rules apply from the first watermark after it arrived, not "
                    + "retroactively (counted in ruleSetsAppliedLate of bike-tracker); days and months scored from "
                    + "then on use it";
        }
        LOG.info("Rule set {} (effective from {}) from {} accepted{}", a.version, r.effectiveFrom(), u.source,
                e.note == null ? "" : "; " + e.note);
        ctx.output(RULE_SET_EVENTS, e);
        out.collect(a);
    }

    /**
     * The known versions with {@code r}, or the known ones themselves when {@code r} is one of them.
     *
     * @throws IllegalArgumentException naming the key and value that do not fit
     */
    private RuleSetRegistry check(RuleSet r) {
        String where = "rule set " + r.version() + ": ";
        if (!r.city().equals(city) || !Objects.equals(r.district().orElse(null), district)) {
            throw new IllegalArgumentException(where + "city/district " + r.city()
                    + r.district().map(d -> "/" + d).orElse("") + " is not the job's " + city
                    + (district == null ? "" : "/" + district));
        }
        if (!r.timeZone().equals(zone)) {
            throw new IllegalArgumentException(where + "timeZone " + r.timeZone() + " differs from the job's " + zone
                    + ": days and months are cut by it everywhere, so a new time zone needs a new job");
        }
        if (known.contains(r)) {
            return known;
        }
        java.util.List<RuleSet> versions = known.versions(city, district);
        RuleSet latest = versions.isEmpty() ? null : versions.get(versions.size() - 1);
        if (latest != null && !r.effectiveFrom().isAfter(latest.effectiveFrom())) {
            throw new IllegalArgumentException(where + "effectiveFrom " + r.effectiveFrom() + " is not after "
                    + latest.version() + "'s " + latest.effectiveFrom() + ": a running job takes only versions newer "
                    + "than every one it has (an older one needs a new job with it in the rules directory)");
        }
        long horizon = TrackerSettings.of(r).expiryHorizonMs();
        if (horizon > trackerHorizonMs) {
            throw new IllegalArgumentException(where + "its longest per-bike period (rules.zombies.idleDays "
                    + r.monitoring().zombies().idleDays() + " and the other graces) needs tracks kept for "
                    + Duration.ofMillis(horizon) + ", longer than the running job's "
                    + Duration.ofMillis(trackerHorizonMs) + ": start a new job with it");
        }
        return known.with(r);
    }

    private long startOf(LocalDate day) {
        return day.atStartOfDay(zone).toInstant().toEpochMilli();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + " ...";
    }
}
