package org.bikefence.replay;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One archived input file of a replay: where it is, how its lines are read, and its size on disk. */
public final class InputFile implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How the lines of a file become position records. */
    public enum Format {
        /** One JSON object of the position contract per line. */
        JSONL,
        /** A header row, then one position per row (quoted cells may hold line breaks), mapped by {@link CsvMapping}. */
        CSV
    }

    private final String path;
    private final Format format;
    private final long size;

    public InputFile(String path, Format format, long size) {
        this.path = path;
        this.format = format;
        this.size = size;
    }

    /**
     * The file with its format taken from {@code forced}, or when that is null from the name: {@code .csv},
     * or {@code .jsonl}/{@code .ndjson}/{@code .json}, each optionally followed by {@code .gz}.
     */
    public static InputFile of(Path p, Format forced) {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("input file '" + p + "' does not exist or is not a readable file");
        }
        Format f = forced != null ? forced : formatOf(p.getFileName().toString());
        if (f == null) {
            throw new IllegalArgumentException("cannot tell the format of '" + p
                    + "' from its name (expected .jsonl, .ndjson, .json or .csv, optionally .gz): give --format");
        }
        try {
            return new InputFile(p.toString(), f, Files.size(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of '" + p + "'", e);
        }
    }

    static Format formatOf(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return Format.CSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) {
            return Format.JSONL;
        }
        return null;
    }

    public String path() {
        return path;
    }

    public Format format() {
        return format;
    }

    public long size() {
        return size;
    }

    public boolean gzipped() {
        return path.toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    @Override
    public String toString() {
        return path + " (" + format + ", " + size + " bytes)";
    }
}
