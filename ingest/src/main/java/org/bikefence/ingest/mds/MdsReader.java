package org.bikefence.ingest.mds;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.FeedReader;
import org.bikefence.ingest.FetchException;
import org.bikefence.ingest.HttpFetcher;
import org.bikefence.ingest.ListedVehicle;

/**
 * Reads an MDS 2.x provider endpoint page by page along {@code links.next}. For {@code /events/recent}, the
 * adapter asks for the window since the end of the last published window ({@code start_time}, {@code end_time});
 * of several events of one device in a window, the latest is reported.
 */
public final class MdsReader implements FeedReader {

    static final int MAX_PAGES = 10_000;

    private final String url;
    private final HttpFetcher fetcher;
    private final boolean events;
    private long windowStart = -1;
    private long pendingWindowEnd = -1;

    public MdsReader(String url, HttpFetcher fetcher) {
        this.url = url;
        this.fetcher = fetcher;
        this.events = URI.create(url).getPath().endsWith("/events/recent") && !url.contains("start_time=");
    }

    @Override
    public Snapshot read(long nowMs) throws FetchException, FeedException {
        String first = url;
        if (events) {
            if (windowStart < 0) {
                // The first window reaches an hour back; later ones start where the last published one ended.
                windowStart = nowMs - 3_600_000;
            }
            first = url + (url.contains("?") ? "&" : "?") + "start_time=" + windowStart + "&end_time=" + nowMs;
            pendingWindowEnd = nowMs;
        }
        List<ListedVehicle> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String page = first;
        String feed = events ? "events" : "vehicles_status";
        while (page != null) {
            if (!seen.add(page) || seen.size() > MAX_PAGES) {
                throw new FeedException("paging_loop", "links.next leads back to " + page + " or past " + MAX_PAGES
                        + " pages");
            }
            byte[] doc = fetcher.get(page);
            MdsParser.Page p;
            try {
                p = MdsParser.parse(doc);
            } catch (FeedException e) {
                throw e.withDocument(doc);
            }
            feed = p.feed();
            all.addAll(p.vehicles());
            page = p.next() == null ? null : nextPage(page, p.next(), doc);
        }
        if (events) {
            all = latestPerDevice(all);
        }
        return new Snapshot(feed, nowMs, 0, all);
    }

    /** The absolute URL of the next page; a link that is no URL is the feed's error, not ours. */
    private static String nextPage(String page, String next, byte[] doc) throws FeedException {
        try {
            return URI.create(page).resolve(next).toString();
        } catch (IllegalArgumentException e) {
            throw new FeedException("bad_next_link", "links.next '" + next + "' on page " + page
                    + " is not a URL: " + e.getMessage(), doc);
        }
    }

    /** Keeps, per device, the event with the latest timestamp (rejections are all kept). */
    private static List<ListedVehicle> latestPerDevice(List<ListedVehicle> events) {
        Map<String, ListedVehicle> latest = new LinkedHashMap<>();
        List<ListedVehicle> out = new ArrayList<>();
        for (ListedVehicle v : events) {
            if (v.observation() == null || v.id() == null) {
                out.add(v);
                continue;
            }
            latest.merge(v.id(), v, (a, b) -> b.observation().ts() >= a.observation().ts() ? b : a);
        }
        out.addAll(latest.values());
        return out;
    }

    @Override
    public void committed() {
        if (pendingWindowEnd >= 0) {
            windowStart = pendingWindowEnd;
        }
    }

    @Override
    public String feedName() {
        return events ? "events" : "vehicles_status";
    }

    @Override
    public boolean vehiclesVanish() {
        return false;
    }
}
