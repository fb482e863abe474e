package org.bikefence.ingest.gbfs;

import java.net.URI;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.FeedReader;
import org.bikefence.ingest.FetchException;
import org.bikefence.ingest.HttpFetcher;

/**
 * Reads GBFS: the configured URL may be the {@code gbfs.json} discovery file (then the vehicle status URL it
 * names is used, and discovered again after a failure) or the vehicle status feed itself.
 */
public final class GbfsReader implements FeedReader {

    private final String url;
    private final HttpFetcher fetcher;
    private String statusUrl;
    private boolean discovered;
    private String feedName = GbfsParser.FREE_BIKE_STATUS;

    public GbfsReader(String url, HttpFetcher fetcher) {
        this.url = url;
        this.fetcher = fetcher;
    }

    @Override
    public Snapshot read(long nowMs) throws FetchException, FeedException {
        byte[] doc;
        if (statusUrl == null) {
            byte[] first = fetcher.get(url);
            String named = discovery(first);
            if (named == null) {
                statusUrl = url;
                discovered = false;
                doc = first;
            } else {
                statusUrl = URI.create(url).resolve(named).toString();
                discovered = true;
                doc = fetchStatus();
            }
        } else {
            doc = fetchStatus();
        }
        GbfsSnapshot s;
        try {
            s = GbfsParser.parse(doc);
        } catch (FeedException e) {
            throw e.withDocument(doc);
        }
        feedName = s.feed();
        return new Snapshot(s.feed(), s.lastUpdatedMs(), s.lastUpdatedMs() + s.ttlSeconds() * 1000, s.vehicles());
    }

    private String discovery(byte[] doc) throws FeedException {
        try {
            return GbfsParser.statusFeedUrl(doc);
        } catch (FeedException e) {
            throw e.withDocument(doc);
        }
    }

    private byte[] fetchStatus() throws FetchException {
        try {
            return fetcher.get(statusUrl);
        } catch (FetchException e) {
            if (discovered) {
                // The discovery file may have moved the feed: read it again next time.
                statusUrl = null;
            }
            throw e;
        }
    }

    @Override
    public String feedName() {
        return feedName;
    }

    @Override
    public boolean vehiclesVanish() {
        return true;
    }

    /** The vehicle status URL in use, null before the first read. */
    public String statusUrl() {
        return statusUrl;
    }
}
