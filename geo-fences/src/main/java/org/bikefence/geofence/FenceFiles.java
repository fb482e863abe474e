package org.bikefence.geofence;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bikefence.geofence.crs.Crs;

/**
 * A fence set made of several files, each with its own load options, as the fences tool, the fence
 * publisher and the job all take it: {@code FILE[:key=value,key=value...]}, several separated by
 * {@code ;} (or given as separate arguments). The options after the colon override, for that file,
 * the options given for all files ({@code --kind ...} on the command line, {@code fences.kind ...}
 * for the job). The keys ({@link #KEYS}) are the same everywhere:
 *
 * <pre>
 * huli-boundary.geojson:kind=operating_area,crs=GCJ02,id-property=adcode
 * parking.csv:crs=GCJ02;no-ride-zone.geojson:kind=no_park,id-property=FID,name-property=NAME
 * </pre>
 *
 * A value may contain commas where the next part is not {@code key=} ({@code operators=hello,meituan},
 * {@code bounds=24.2,24.95,117.85,118.5}). Fence ids must be unique across the files of a set.
 */
public final class FenceFiles {

    /** The per-file option keys, as in {@code FILE:key=value}; the job's options are {@code fences.<key>}. */
    public static final List<String> KEYS = List.of("kind", "crs", "id-property", "name-property",
            "version", "operators", "vehicle-types", "gbfs-restrictions-win", "zone", "repair",
            "bounds");

    private static final Pattern OPTIONS_START = Pattern.compile("[a-z][a-z-]*=.*", Pattern.DOTALL);

    private FenceFiles() {}

    /** One file of a fence set and the options given for it alone, by {@link #KEYS key}. */
    public record Entry(String file, Map<String, String> options) {
        public Entry {
            Objects.requireNonNull(file, "file");
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        /** A file with no options of its own. */
        public static Entry of(String file) {
            return new Entry(file, Map.of());
        }

        /** How it is written: {@code FILE} or {@code FILE:key=value,...}. */
        public String spec() {
            if (options.isEmpty()) {
                return file;
            }
            List<String> parts = new ArrayList<>();
            options.forEach((k, v) -> parts.add(k + "=" + v));
            return file + ":" + String.join(",", parts);
        }

        public Path path() {
            return Path.of(file);
        }
    }

    /** One loaded file of a set: its entry, the options it was read with and what the loader returned. */
    public record Loaded(Entry entry, LoadOptions options, LoadResult result) {}

    /** A fence set of several files: the combined set and each file's load. */
    public record FenceSetFiles(FenceSet fences, List<Loaded> files) {
        public FenceSetFiles {
            files = List.copyOf(files);
        }

        /** Warnings of every file, each naming its file. */
        public List<String> warnings() {
            List<String> w = new ArrayList<>();
            files.forEach(f -> w.addAll(f.result().warnings()));
            return w;
        }
    }

    /**
     * Parses {@code FILE} or {@code FILE:key=value,...}: the options start at the first colon that
     * is followed by {@code key=} (so {@code C:\fences\a.geojson} and {@code a:b.csv} are plain file
     * names).
     *
     * @throws IllegalArgumentException naming the spec and the unknown key, or a key given twice
     */
    public static Entry parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        String s = spec.trim();
        int colon = -1;
        for (int i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) {
            if (OPTIONS_START.matcher(s.substring(i + 1)).matches()) {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("fence file '" + spec + "': empty file name");
            }
            return Entry.of(s);
        }
        String file = s.substring(0, colon);
        if (file.isEmpty()) {
            throw new IllegalArgumentException("fence file '" + spec + "': no file name before ':'");
        }
        Map<String, String> options = new LinkedHashMap<>();
        String key = null;
        for (String part : s.substring(colon + 1).split(",", -1)) {
            int eq = part.indexOf('=');
            String maybeKey = eq < 0 ? null : part.substring(0, eq).trim();
            if (maybeKey != null && maybeKey.matches("[a-z][a-z-]*")) {
                if (!KEYS.contains(maybeKey)) {
                    throw new IllegalArgumentException("fence file '" + spec + "': unknown option '"
                            + maybeKey + "'; known: " + String.join(", ", KEYS));
                }
                if (options.containsKey(maybeKey)) {
                    throw new IllegalArgumentException("fence file '" + spec + "': option '" + maybeKey
                            + "' given twice");
                }
                key = maybeKey;
                options.put(key, part.substring(eq + 1).trim());
            } else {
                // A comma inside a value: operators=hello,meituan
                options.put(key, options.get(key) + "," + part);
            }
        }
        return new Entry(file, options);
    }

    /** Parses {@code SPEC;SPEC;...} (empty parts ignored). */
    public static List<Entry> parseList(String specs) {
        List<Entry> entries = new ArrayList<>();
        for (String part : specs.split(";")) {
            if (!part.isBlank()) {
                entries.add(parse(part));
            }
        }
        return entries;
    }

    /**
     * Sets one option, by {@link #KEYS key}, on a builder.
     *
     * @throws IllegalArgumentException saying what is wrong with the value and what is allowed (the caller names
     *     the option and the value)
     */
    public static void apply(LoadOptions.Builder b, String key, String value) {
        String v = value == null ? "" : value.trim();
        switch (key) {
            case "kind" -> b.kind(FenceKind.fromWireName(v));
            case "crs" -> b.crs(Crs.parse(v));
            case "id-property" -> b.idProperty(nonBlank(v));
            case "name-property" -> b.nameProperty(nonBlank(v));
            case "version" -> b.version(nonBlank(v));
            case "operators" -> b.operators(list(v));
            case "vehicle-types" -> b.vehicleTypeIds(list(v));
            case "gbfs-restrictions-win" -> b.gbfsRestrictionsWin(bool(v));
            case "repair" -> b.repair(bool(v));
            case "zone" -> b.zone(zone(v));
            case "bounds" -> b.cityBounds(Bounds.parse(v));
            default -> throw new IllegalArgumentException("unknown option; known: "
                    + String.join(", ", KEYS));
        }
    }

    /**
     * The options of one file: {@code base} (the options for all files) with the entry's own.
     *
     * @throws IllegalArgumentException naming the file spec, the key and the value
     */
    public static LoadOptions options(Entry entry, LoadOptions base) {
        if (entry.options().isEmpty()) {
            return base;
        }
        LoadOptions.Builder b = base.toBuilder();
        entry.options().forEach((k, v) -> {
            try {
                apply(b, k, v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fence file '" + entry.spec() + "': option '" + k
                        + "' = '" + v + "': " + e.getMessage(), e);
            }
        });
        return b.build();
    }

    /**
     * Loads every file with its options and makes one fence set of them.
     *
     * @param base options for every file (each entry's own override them)
     * @param setVersion the set's version; null: the one file's version, or the files' versions
     *     joined by {@code +}
     * @throws FenceFileException listing the problems of the first invalid file, or naming a fence
     *     id found in two files, or two files whose schedules are in different time zones
     * @throws IllegalArgumentException for an option value that cannot be used (naming it)
     */
    public static FenceSetFiles load(List<Entry> entries, LoadOptions base, String setVersion) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no fence files given");
        }
        List<Loaded> loaded = new ArrayList<>();
        for (Entry e : entries) {
            LoadOptions options = options(e, base);
            LoadResult result = FenceLoaders.load(e.path(), options);
            checkApplies(e, result.format());
            loaded.add(new Loaded(e, options, result));
        }
        return combine(loaded, setVersion);
    }

    /** The formats (as {@link LoadResult#format()} names them) each key means something for; absent = all. */
    private static final Map<String, Set<String>> FORMATS_OF_KEY = Map.of(
            "kind", Set.of("geojson", "geojson (plain)", "city-csv", "mds"),
            "id-property", Set.of("geojson", "geojson (plain)"),
            "name-property", Set.of("geojson", "geojson (plain)"),
            "operators", Set.of("geojson (plain)", "city-csv", "gbfs", "mds"),
            "vehicle-types", Set.of("gbfs"),
            "gbfs-restrictions-win", Set.of("gbfs"));

    /**
     * A file's own option that its format ignores is a mistake (a GBFS file's kinds come from its rules, a CSV has
     * no id property): say so rather than load something else than the user meant.
     *
     * @throws IllegalArgumentException naming the file spec, the option and the format
     */
    public static void checkApplies(Entry entry, String format) {
        for (String key : entry.options().keySet()) {
            Set<String> formats = FORMATS_OF_KEY.get(key);
            if (formats != null && !formats.contains(format)) {
                throw new IllegalArgumentException("fence file '" + entry.spec() + "': option '" + key
                        + "' does not apply to a " + format + " file");
            }
        }
    }

    /** One set of already loaded files; see {@link #load}. */
    public static FenceSetFiles combine(List<Loaded> loaded, String setVersion) {
        List<Fence> all = new ArrayList<>();
        Map<String, String> fileOfId = new HashMap<>();
        Set<String> versions = new LinkedHashSet<>();
        ZoneId zone = null;
        String zoneFile = null;
        for (Loaded l : loaded) {
            FenceSet set = l.result().fences();
            String file = l.entry().file();
            if (zone == null) {
                zone = set.zone();
                zoneFile = file;
            }
            for (Fence f : set.fences()) {
                String previous = fileOfId.putIfAbsent(f.id(), file);
                if (previous != null) {
                    throw new FenceFileException(file, FenceFileException.NO_FEATURE, f.id(), "id",
                            "fence id \"" + f.id() + "\" is in both " + previous + " and " + file
                                    + "; ids must be unique across the files of a fence set (choose the id"
                                    + " property with id-property=NAME)");
                }
                if (!f.schedule().isAlways() && !f.schedule().zone().equals(zone)) {
                    throw new FenceFileException(file, FenceFileException.NO_FEATURE, f.id(), "schedule",
                            "in time zone " + f.schedule().zone() + ", but the fence set is in " + zone
                                    + " (from " + zoneFile + "); give the files one zone (zone=ZONE)");
                }
                all.add(f);
            }
            versions.add(set.version());
        }
        String version = setVersion != null && !setVersion.isBlank() ? setVersion
                : String.join("+", versions);
        return new FenceSetFiles(new FenceSet(version, zone, all), loaded);
    }

    private static String nonBlank(String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return v;
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static ZoneId zone(String v) {
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone; expected an IANA name such as"
                    + " Asia/Shanghai");
        }
    }

    /** "a,b" -> [a, b], blanks dropped. */
    public static Set<String> list(String s) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
