package org.bikefence.geofence.tool;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.geofence.Bounds;
import org.bikefence.geofence.FenceFiles;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.LoadOptions;
import org.bikefence.geofence.crs.Crs;
import picocli.CommandLine.Option;

/**
 * How fence files are read, for every file of a command (a picocli mixin of {@code fences check},
 * {@code fences classify} and {@code fences publish}); a file's own options ({@code FILE:key=value,...},
 * {@link FenceFiles}) override them for that file. The job's options {@code fences.<key>} are the same.
 */
public final class FenceFileOptions {
    @Option(names = "--fences-crs", paramLabel = "WGS84|GCJ02|BD09",
            description = "coordinate system of CSV/GBFS/MDS fence files and of GeoJSON without \"crs\" "
                    + "(check also takes --crs; per file: crs=) (default: WGS84)")
    Crs fencesCrs;

    @Option(names = "--bounds", paramLabel = "xiamen|minLat,maxLat,minLng,maxLng",
            description = "reject vertices outside this box (per file: bounds=) (default: no box)")
    Bounds bounds;

    @Option(names = "--repair",
            description = "repair invalid polygons (JTS GeometryFixer), listed as repairs (per file: repair=true) "
                    + "(default: ${DEFAULT-VALUE})")
    boolean repair;

    @Option(names = "--kind", paramLabel = "KIND",
            description = "kind of CSV fences, of GeoJSON features without a kind (a plain GIS file) and of "
                    + "every MDS geography, overriding its geography_type (per file: kind=) (default: CSV "
                    + "parking; MDS by geography_type)")
    FenceKind kind;

    @Option(names = "--id-property", paramLabel = "NAME",
            description = "GeoJSON property holding each fence's id, e.g. FID; reads the file as plain GIS "
                    + "(per file: id-property=) (default: id, else the feature's index FILE#i in a plain file)")
    String idProperty;

    @Option(names = "--name-property", paramLabel = "NAME",
            description = "GeoJSON property holding each fence's name, e.g. NAME (per file: name-property=) "
                    + "(default: name)")
    String nameProperty;

    @Option(names = "--fences-version", paramLabel = "VERSION",
            description = "version of the fence set (per file: version=) (default: the file's own; plain "
                    + "GeoJSON and CSV: FILE@sha256:<12 hex digits of the content>; several files: theirs "
                    + "joined by +)")
    String version;

    @Option(names = "--operators", paramLabel = "a,b",
            description = "operators CSV/GBFS/MDS fences and plain GeoJSON features without operators apply "
                    + "to (per file: operators=) (default: all)")
    String operators;

    @Option(names = "--vehicle-types", paramLabel = "a,b",
            description = "GBFS vehicle_type_ids whose rules count (per file: vehicle-types=) (default: rules "
                    + "for all types)")
    String vehicleTypes;

    @Option(names = "--gbfs-restrictions-win", description = "GBFS: keep no-park zones whole even if listed "
            + "after the operating area (per file: gbfs-restrictions-win=true) (default: ${DEFAULT-VALUE})")
    boolean gbfsRestrictionsWin;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "time zone of sources without one (per file: zone=) (default: Asia/Shanghai)")
    ZoneId zone;

    /** The options for every file, with {@code fileCrs} (when not null) as their coordinate system. */
    public LoadOptions loadOptions(Crs fileCrs) {
        LoadOptions.Builder b = LoadOptions.builder()
                .cityBounds(bounds)
                .repair(repair)
                .gbfsRestrictionsWin(gbfsRestrictionsWin)
                .kind(kind)
                .idProperty(idProperty)
                .nameProperty(nameProperty)
                .version(version)
                .operators(operators == null ? java.util.Set.of() : FenceFiles.list(operators))
                .vehicleTypeIds(vehicleTypes == null ? java.util.Set.of() : FenceFiles.list(vehicleTypes));
        Crs crs = fileCrs != null ? fileCrs : fencesCrs;
        if (crs != null) {
            b.crs(crs);
        }
        if (zone != null) {
            b.zone(zone);
        }
        return b.build();
    }

    /** The options for every file. */
    public LoadOptions loadOptions() {
        return loadOptions(null);
    }

    /** {@code --fences-version}, or null. */
    public String version() {
        return version;
    }

    /**
     * The fence files of the command line: each {@code FILE} or {@code FILE:key=value,...}, also several in
     * one argument separated by {@code ;}.
     *
     * @throws IllegalArgumentException naming the spec that cannot be read
     */
    public static List<FenceFiles.Entry> entries(List<String> args) {
        List<FenceFiles.Entry> entries = new ArrayList<>();
        for (String a : args) {
            entries.addAll(FenceFiles.parseList(a));
        }
        return entries;
    }
}
