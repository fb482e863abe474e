package org.bikefence.rules;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every version of every city's (and district's) rule set, so that each day or month is scored with the rules
 * in force then: publishing a newer version never changes a past month's result.
 *
 * <p>Versions of one city/district must not overlap: sorted by {@code effectiveFrom}, a version with an
 * explicit {@code effectiveUntil} must end before the next begins; a version without one runs until the day
 * before the next version's {@code effectiveFrom} (so a new file can supersede the current one without editing
 * it). Two versions starting on the same day, or sharing a version name, are rejected.
 */
public final class RuleSetRegistry implements Serializable {

    private static final long serialVersionUID = 1L;

    /** City and district (null for a city-wide rule set) a version applies to. */
    private record Area(String city, String district) implements Serializable {
        static Area of(RuleSet r) {
            return new Area(r.city(), r.district().orElse(null));
        }

        @Override
        public String toString() {
            return district == null ? city : city + "/" + district;
        }
    }

    private final Map<Area, List<RuleSet>> versions;

    private RuleSetRegistry(Map<Area, List<RuleSet>> versions) {
        this.versions = versions;
    }

    /** Loads every {@code *.yaml} / {@code *.yml} file in {@code dir} (not subdirectories). */
    public static RuleSetRegistry load(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p)
                            && (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list rule-set directory " + dir, e);
        }
        Map<RuleSet, RuleSetLoader.Located> where = new IdentityHashMap<>();
        List<RuleSet> sets = new ArrayList<>();
        for (Path f : files) {
            RuleSetLoader.Located located = RuleSetLoader.loadLocated(f);
            where.put(located.rules(), located);
            sets.add(located.rules());
        }
        return build(sets, where);
    }

    /** A registry of rule sets built in code or loaded elsewhere; errors are IllegalArgumentExceptions. */
    public static RuleSetRegistry of(Collection<RuleSet> ruleSets) {
        return build(new ArrayList<>(ruleSets), Map.of());
    }

    /**
     * This registry with one more version, checked as {@link #of} checks (overlaps, a version name twice); a
     * version equal to one already held changes nothing.
     *
     * @throws IllegalArgumentException naming the version and the field
     */
    public RuleSetRegistry with(RuleSet added) {
        List<RuleSet> all = new ArrayList<>();
        versions.values().forEach(all::addAll);
        if (all.contains(added)) {
            return this;
        }
        all.add(added);
        return of(all);
    }

    /** Whether this registry holds a version equal to {@code r}. */
    public boolean contains(RuleSet r) {
        return versions(r.city(), r.district().orElse(null)).contains(r);
    }

    private static RuleSetRegistry build(List<RuleSet> sets, Map<RuleSet, RuleSetLoader.Located> where) {
        Map<Area, List<RuleSet>> byArea = new LinkedHashMap<>();
        for (RuleSet r : sets) {
            byArea.computeIfAbsent(Area.of(r), a -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<Area, List<RuleSet>> e : byArea.entrySet()) {
            List<RuleSet> list = e.getValue();
            list.sort(Comparator.comparing(RuleSet::effectiveFrom));
            for (int i = 0; i < list.size(); i++) {
                RuleSet b = list.get(i);
                for (int j = 0; j < i; j++) {
                    if (list.get(j).version().equals(b.version())) {
                        throw error(where, b, "version", "version " + b.version() + " of " + e.getKey()
                                + " appears twice" + describe(where, list.get(j)));
                    }
                }
                if (i == 0) {
                    continue;
                }
                RuleSet a = list.get(i - 1);
                if (a.effectiveFrom().equals(b.effectiveFrom())) {
                    throw error(where, b, "effectiveFrom", "starts on the same day as " + a.version()
                            + describe(where, a) + " for " + e.getKey());
                }
                if (a.effectiveUntil().isPresent() && !a.effectiveUntil().get().isBefore(b.effectiveFrom())) {
                    throw error(where, b, "effectiveFrom", "overlaps " + a.version() + describe(where, a)
                            + ", effective " + a.effectiveFrom() + ".." + a.effectiveUntil().get() + ", for "
                            + e.getKey());
                }
            }
        }
        byArea.replaceAll((k, v) -> List.copyOf(v));
        return new RuleSetRegistry(byArea);
    }

    private static String describe(Map<RuleSet, RuleSetLoader.Located> where, RuleSet r) {
        RuleSetLoader.Located l = where.get(r);
        return l == null ? "" : " (" + l.source() + ")";
    }

    private static RuntimeException error(Map<RuleSet, RuleSetLoader.Located> where, RuleSet r, String field,
            String reason) {
        RuleSetLoader.Located l = where.get(r);
        return l != null ? l.error(field, reason)
                : new IllegalArgumentException("rule set " + r.version() + ": " + field + ": " + reason);
    }

    /**
     * The version in force on {@code day} for the city and district; falls back to a city-wide version when the
     * district has none.
     *
     * @param district district id, or null for the city-wide rules
     */
    public Optional<RuleSet> find(String city, String district, LocalDate day) {
        Objects.requireNonNull(city, "city");
        Objects.requireNonNull(day, "day");
        Optional<RuleSet> own = findIn(versions.get(new Area(city, district)), day);
        return own.isPresent() || district == null ? own : findIn(versions.get(new Area(city, null)), day);
    }

    private static Optional<RuleSet> findIn(List<RuleSet> list, LocalDate day) {
        if (list == null) {
            return Optional.empty();
        }
        RuleSet latest = null;
        for (RuleSet r : list) {
            if (!r.effectiveFrom().isAfter(day)) {
                latest = r;
            }
        }
        return latest != null && latest.isEffectiveOn(day) ? Optional.of(latest) : Optional.empty();
    }

    public RuleSet forDay(String city, String district, LocalDate day) {
        return find(city, district, day).orElseThrow(() -> new IllegalArgumentException("no rule set for " + city
                + (district == null ? "" : "/" + district) + " is in force on " + day + "; known: " + this));
    }

    /** The version in force on the first day of {@code month}: rule changes apply from the next whole month. */
    public RuleSet forMonth(String city, String district, YearMonth month) {
        return forDay(city, district, month.atDay(1));
    }

    /** All versions of one city/district, oldest first. */
    public List<RuleSet> versions(String city, String district) {
        return versions.getOrDefault(new Area(city, district), List.of());
    }

    /** Last day {@code rules} are in force: its effectiveUntil, or the day before the next version, or empty. */
    public Optional<LocalDate> lastDay(RuleSet rules) {
        List<RuleSet> list = versions(rules.city(), rules.district().orElse(null));
        int i = list.indexOf(rules);
        if (i < 0) {
            throw new IllegalArgumentException(rules.version() + " is not in this registry");
        }
        if (rules.effectiveUntil().isPresent() || i == list.size() - 1) {
            return rules.effectiveUntil();
        }
        return Optional.of(list.get(i + 1).effectiveFrom().minusDays(1));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        versions.forEach((area, list) -> sb.append(sb.length() > 1 ? ", " : "").append(area).append('=')
                .append(list.stream().map(r -> r.version() + "@" + r.effectiveFrom()).toList()));
        return sb.append('}').toString();
    }
}
