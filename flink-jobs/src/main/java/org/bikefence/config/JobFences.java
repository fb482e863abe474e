package org.bikefence.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.bikefence.geofence.FenceFiles;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.FenceSetGeoJson;
import org.bikefence.geofence.LoadOptions;

/**
 * The job's fence set at submission, read as {@code fences classify} reads it: the files of option {@code fences}
 * (each {@code FILE} or {@code FILE:key=value,...}, separated by {@code ;}) with the options {@code fences.<key>}
 * for every file (the keys of {@link FenceFiles#KEYS}).
 *
 * <p>One file given with no option at all travels to the classification step as the file's own bytes, as it always
 * did. Otherwise the files are loaded and validated here, and the combined set travels as one bikefence GeoJSON file
 * ({@link FenceSetGeoJson}) that reads back with the default options into the same fences, which the classification
 * step, built for one self-describing file, reads. Fence updates on the fences topic are such files too: {@code
 * fences publish} applies the same options before it publishes.
 *
 * @param bytes the fence file the classification step reads (with the default options)
 * @param source how its messages name it
 * @param fences the set it holds (validated)
 */
public record JobFences(byte[] bytes, String source, FenceSet fences) {

    /** The files of option {@code fences}. @throws IllegalArgumentException naming the option and the spec */
    public static List<FenceFiles.Entry> entries(JobConfig config) {
        try {
            List<FenceFiles.Entry> entries = FenceFiles.parseList(config.get(JobOptions.FENCES));
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("no fence file");
            }
            return entries;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + JobOptions.FENCES.key() + "': " + e.getMessage(), e);
        }
    }

    /** The options {@code fences.<key>} for every file. @throws IllegalArgumentException naming option and value */
    public static LoadOptions loadOptions(JobConfig config) {
        LoadOptions.Builder b = LoadOptions.builder();
        for (ConfigOption<?> o : JobOptions.FENCE_FILE_OPTIONS) {
            if (!config.isGiven(o)) {
                continue;
            }
            String key = o.key().substring(JobOptions.FENCES_PREFIX.length());
            try {
                FenceFiles.apply(b, key, String.valueOf(config.get(o)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option '" + o.key() + "' = '" + config.get(o) + "': "
                        + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** True when no {@code fences.<key>} option is given. */
    static boolean noFileOptions(JobConfig config) {
        return JobOptions.FENCE_FILE_OPTIONS.stream().noneMatch(config::isGiven);
    }

    /**
     * Loads and validates the job's fence set.
     *
     * @throws org.bikefence.geofence.FenceFileException naming the file, feature or line, property and value
     * @throws IllegalArgumentException naming the option whose value cannot be used
     */
    public static JobFences load(JobConfig config) {
        List<FenceFiles.Entry> entries = entries(config);
        LoadOptions options = loadOptions(config);
        String version = config.get(JobOptions.FENCES_VERSION);
        FenceSet set = FenceFiles.load(entries, options, version).fences();
        if (entries.size() == 1 && entries.get(0).options().isEmpty() && noFileOptions(config)) {
            String file = entries.get(0).file();
            try {
                return new JobFences(java.nio.file.Files.readAllBytes(entries.get(0).path()), file, set);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("option '" + JobOptions.FENCES.key() + "': cannot read '" + file
                        + "': " + e, e);
            }
        }
        // Not the name of a .csv file: the loader picks the format by the source's extension.
        String source = "fences " + String.join(";", entries.stream().map(FenceFiles.Entry::spec).toList())
                + " (one set)";
        return new JobFences(FenceSetGeoJson.writeChecked(set, source), source, set);
    }
}
