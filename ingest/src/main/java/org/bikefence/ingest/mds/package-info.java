/**
 * MDS 2.x adapter: reads a provider's {@code /vehicles/status} or {@code /events/recent} pages along
 * {@code links.next} and maps MDS vehicle states and event types to the contract's states.
 */
package org.bikefence.ingest.mds;
