package org.bikefence.geofence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.locationtech.jts.geom.Geometry;

/**
 * Loads the fence export of a city big-data platform: CSV with header {@code FENCE_ID,FENCE_LOC},
 * FENCE_LOC a quoted list of {@code [lon,lat]} vertices forming one closed ring, as Xiamen
 * publishes its shared-bike parking fences (电子围栏). Every fence gets {@link LoadOptions#kind()}
 * (default parking), the options' operators, coordinate system and time zone.
 */
public final class CityCsvFenceLoader {

    static final String ID_COLUMN = "FENCE_ID";
    static final String LOC_COLUMN = "FENCE_LOC";

    private static final Pattern VERTEX = Pattern.compile(
            "\\[\\s*([-+0-9.eE]+)\\s*,\\s*([-+0-9.eE]+)\\s*\\]");
    private static final Pattern VERTEX_LIST = Pattern.compile(
            "\\s*\\[?\\s*(\\[[^\\[\\]]*\\]\\s*,\\s*)*\\[[^\\[\\]]*\\]\\s*\\]?\\s*");

    private CityCsvFenceLoader() {}

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static LoadResult load(Path file, LoadOptions options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FenceFileException(file.toString(), FenceFileException.NO_FEATURE, null, null,
                    "cannot read file: " + e, e);
        }
        return load(bytes, file.toString(), options);
    }

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static LoadResult load(InputStream in, String sourceName, LoadOptions options) {
        try {
            return load(in.readAllBytes(), sourceName, options);
        } catch (IOException e) {
            throw new FenceFileException(sourceName, FenceFileException.NO_FEATURE, null, null,
                    "cannot read: " + e, e);
        }
    }

    private static LoadResult load(byte[] bytes, String sourceName, LoadOptions options) {
        LoadContext ctx = new LoadContext(sourceName, options);
        FenceKind kind = options.kind().orElse(FenceKind.PARKING);
        List<Fence> fences = new ArrayList<>();
        Map<String, Integer> firstLineOfId = new HashMap<>();
        try (CsvReader csv = new CsvReader(new InputStreamReader(new ByteArrayInputStream(bytes),
                StandardCharsets.UTF_8))) {
            CsvReader.Row header = csv.next();
            if (header == null) {
                throw ctx.fatal(null, "empty file; expected header " + ID_COLUMN + "," + LOC_COLUMN);
            }
            int idCol = indexOf(header, ID_COLUMN);
            int locCol = indexOf(header, LOC_COLUMN);
            if (idCol < 0 || locCol < 0) {
                throw new FenceFileException(List.of(new FenceFileException.Problem(sourceName,
                        FenceFileException.NO_FEATURE, header.line(), null, null,
                        "header " + header.fields() + " lacks column " + (idCol < 0 ? ID_COLUMN
                                : LOC_COLUMN) + "; expected " + ID_COLUMN + "," + LOC_COLUMN)),
                        1, null);
            }
            CsvReader.Row row;
            while ((row = nextRow(csv, ctx)) != null) {
                if (row.fields().size() == 1 && row.fields().get(0).isBlank()) {
                    continue;
                }
                Fence fence = readRow(row, idCol, locCol, kind, ctx, firstLineOfId);
                if (fence != null) {
                    fences.add(fence);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ctx.throwIfProblems();
        String version = options.version().orElseGet(() -> defaultVersion(sourceName, bytes));
        return new LoadResult(new FenceSet(version, options.zone(), fences), "city-csv",
                options.crs(), ctx.warnings(), ctx.repairs());
    }

    private static CsvReader.Row nextRow(CsvReader csv, LoadContext ctx) {
        try {
            return csv.next();
        } catch (IllegalArgumentException e) {
            ctx.fileProblem(null, e.getMessage());
            return null;
        }
    }

    private static Fence readRow(CsvReader.Row row, int idCol, int locCol, FenceKind kind,
            LoadContext ctx, Map<String, Integer> firstLineOfId) {
        int line = row.line();
        List<String> f = row.fields();
        int needed = Math.max(idCol, locCol) + 1;
        if (f.size() < needed) {
            ctx.problemAtLine(line, null, null, "expected at least " + needed + " fields ("
                    + ID_COLUMN + "," + LOC_COLUMN + "), got " + f.size() + ": " + abbreviate(
                            String.join(",", f)) + (f.size() > 0 && f.get(0).contains("[")
                                    ? " (is FENCE_LOC quoted?)" : ""));
            return null;
        }
        if (f.size() > needed && locCol == needed - 1 && f.get(locCol).startsWith("[")) {
            // An unquoted FENCE_LOC splits at every comma: say so rather than "bad vertex".
            ctx.problemAtLine(line, f.get(idCol), LOC_COLUMN, "has " + f.size()
                    + " fields where " + needed + " are expected: FENCE_LOC must be quoted");
            return null;
        }
        String id = f.get(idCol).trim();
        if (id.isEmpty()) {
            ctx.problemAtLine(line, null, ID_COLUMN, "missing");
            return null;
        }
        Integer previous = firstLineOfId.putIfAbsent(id, line);
        if (previous != null) {
            ctx.problemAtLine(line, id, ID_COLUMN, "duplicate value \"" + id
                    + "\" (first used on line " + previous + ")");
            return null;
        }
        String loc = f.get(locCol);
        if (!VERTEX_LIST.matcher(loc).matches()) {
            ctx.problemAtLine(line, id, LOC_COLUMN, "expected [lon,lat] vertices such as"
                    + " \"[118.1,24.5],[118.2,24.5],...\", got \"" + abbreviate(loc) + "\"");
            return null;
        }
        List<double[]> vertices = new ArrayList<>();
        Matcher m = VERTEX.matcher(loc);
        while (m.find()) {
            try {
                vertices.add(new double[] {Double.parseDouble(m.group(1)),
                        Double.parseDouble(m.group(2))});
            } catch (NumberFormatException e) {
                ctx.problemAtLine(line, id, LOC_COLUMN, "vertex " + m.group()
                        + " is not two numbers [lon,lat]");
                return null;
            }
        }
        if (vertices.isEmpty()) {
            ctx.problemAtLine(line, id, LOC_COLUMN, "no [lon,lat] vertices in \"" + abbreviate(loc)
                    + "\"");
            return null;
        }
        List<double[][]> ring = List.<double[][]>of(vertices.toArray(new double[0][]));
        int before = ctx.problemCount();
        Geometry geometry = FenceGeometryChecks.toFenceGeometry(List.of(ring), ctx.options.crs(),
                ctx.options, new FenceGeometryChecks.Report() {
                    @Override
                    public void problem(String message) {
                        ctx.problemAtLine(line, id, LOC_COLUMN, message);
                    }

                    @Override
                    public void repaired(String message) {
                        ctx.repaired(LoadContext.line(line, id), message);
                    }
                });
        if (geometry == null || ctx.problemCount() > before) {
            return null;
        }
        return Fence.builder(id, kind, geometry)
                .operators(ctx.options.operators())
                .schedule(Schedule.always().inZone(ctx.options.zone()))
                .build();
    }

    private static int indexOf(CsvReader.Row header, String column) {
        for (int i = 0; i < header.fields().size(); i++) {
            if (header.fields().get(i).trim().toUpperCase(Locale.ROOT).equals(column)) {
                return i;
            }
        }
        return -1;
    }

    /** "name@sha256:0123456789ab": the export carries no revision, so its content names it. */
    static String defaultVersion(String sourceName, byte[] bytes) {
        String name = Path.of(sourceName).getFileName().toString();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return name + "@sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
