package org.bikefence.model;

/** A whole, versioned fence set published to the {@code geofences} topic, as the bytes of a fence file. */
public class FenceUpdate {
    /** Kafka key: the fence set's name (e.g. {@code huli}); informational. */
    public String name;
    /** The fence file (GeoJSON), exactly as published. */
    public byte[] content;
    /** When it was published (Kafka record timestamp), epoch ms. */
    public long publishedAt;
    /** Where it came from, {@code topic-partition@offset}. */
    public String source;

    public FenceUpdate() {}

    public FenceUpdate(String name, byte[] content, long publishedAt, String source) {
        this.name = name;
        this.content = content;
        this.publishedAt = publishedAt;
        this.source = source;
    }
}
