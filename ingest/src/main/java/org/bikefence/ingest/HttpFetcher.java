package org.bikefence.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** GETs feed documents over HTTP(S) with a timeout and an optional bearer token (never logged). */
public final class HttpFetcher {

    private final HttpClient http;
    private final Duration timeout;
    private final String authorization;
    private final String accept;

    /**
     * @param token bearer token for the operator's API, or null
     * @param accept the Accept header, e.g. MDS's {@code application/vnd.mds+json;version=2.0}
     */
    public HttpFetcher(Duration timeout, String token, String accept) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.timeout = timeout;
        this.authorization = token == null ? null : "Bearer " + token;
        this.accept = accept;
    }

    /** The body of a 2xx response. */
    public byte[] get(String url) throws FetchException {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", accept).GET();
        } catch (IllegalArgumentException e) {
            throw new FetchException("bad_url", "not a valid URL: " + url);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new FetchException("timeout", "no answer from " + url + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new FetchException("unreachable", url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted", "interrupted while fetching " + url);
        }
        if (r.statusCode() / 100 != 2) {
            throw new FetchException("http_" + r.statusCode(), url + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }
}
